#!/bin/sh
# Render the demo workbook's Control and Plan pages to docs/img/ for the README (needs soffice and pdftoppm).
# Buttons are not printed, so they do not appear in these images.
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
soffice "-env:UserInstallation=file://$tmp/profile" --headless --convert-to pdf --outdir "$tmp" \
    workbook/examples/cseplan_demo.xlsm >/dev/null
mkdir -p docs/img
pdftoppm -png -r 110 -f 1 -l 1 -singlefile "$tmp/cseplan_demo.pdf" docs/img/control
pdftoppm -png -r 110 -f 2 -l 2 -singlefile "$tmp/cseplan_demo.pdf" docs/img/plan
echo "wrote docs/img/control.png docs/img/plan.png"
