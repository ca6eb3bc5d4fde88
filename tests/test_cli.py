"""The command line: exit codes, JSON keys, batches with bad files, outputs that never replace a file."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from cseplan_xl.cli import build_parser, main

GOOD = {"Plan": [["ID", "Activity", "When", "Who", "Cost", "RAG"], ["1", "Poster review", "Autumn 2017", "CT", "N/A",
                                                                  "Complete"]],
        "Owners": [["Code"], ["CT"]]}
BAD = {"Plan": [["ID", "Activity", "When", "Who", "Cost", "RAG"], ["1", "Poster review", "Autumn 2017", "CT", "N/A",
                                                                 "Gren"]],
       "Owners": [["Code"], ["CT"]]}


def run(*argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_exit_codes(book, tmp_path, capsys):
    good, bad = book(GOOD, "good.xlsx"), book(BAD, "bad.xlsx")
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a workbook")
    assert run("validate", good, "--as-of", "2018-03-31", capsys=capsys)[0] == 0
    assert run("validate", bad, "--as-of", "2018-03-31", capsys=capsys)[0] == 1
    assert run("validate", good, broken, capsys=capsys)[0] == 2
    # warnings (who TBC) fail only with --strict
    tbc = book({"Plan": [["Activity", "When", "Who"], ["x", "TBC", "TBC"]]}, "tbc.xlsx")
    assert run("validate", tbc, capsys=capsys)[0] == 0
    assert run("validate", tbc, "--strict", capsys=capsys)[0] == 1


def test_usage_errors_exit_2_with_one_line(book, tmp_path, capsys):
    good = book(GOOD)
    with pytest.raises(SystemExit) as info:
        main(["validate", str(good), "--as-of", "31/03/2018"])
    assert info.value.code == 2
    assert "is not a date: use YYYY-MM-DD" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["validate", str(good), "--jobs", "-1"])
    assert info.value.code == 2
    assert "'-1': give 0 (automatic) or a number of worker processes" in capsys.readouterr().err
    # the library's InvalidValue (a rule code, a period) and the CLI's UsageError: exit 2, one line
    code, out, err = run("validate", good, "--select", "nonsense", capsys=capsys)
    assert code == 2 and err == "Error: unknown rule code or tag: nonsense (see `cseplan rules`)\n"
    code, out, err = run("evaluate", good, "--period", "whenever", capsys=capsys)
    assert code == 2 and err.startswith("Error: cannot understand the period 'whenever'") and err.count("\n") == 1
    (tmp_path / "empty").mkdir()
    code, out, err = run("validate", tmp_path / "empty", capsys=capsys)
    assert code == 2 and err == "Error: no workbooks found (looked for .xlsx and .xlsm files)\n"


def test_json_report_keys(book, tmp_path, capsys):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"")
    code, out, _ = run("validate", book(BAD), broken, "--format", "json", "--as-of", "2018-03-31", capsys=capsys)
    report = json.loads(out)
    assert code == 2
    assert set(report) == {"as_of", "files", "summary"}
    assert report["as_of"] == "2018-03-31"
    assert report["summary"] == {"files": 2, "valid": 0, "invalid": 1, "unreadable": 1}
    first, second = report["files"]
    assert {"path", "valid", "error", "counts", "findings"} <= set(first)
    assert first["error"] is None and first["valid"] is False
    assert set(first["counts"]) == {"error", "warning", "info"}
    finding = next(f for f in first["findings"] if f["code"] == "rag-invalid")
    assert set(finding) == {"code", "severity", "sheet", "cell", "row", "column", "field", "activity_id", "value",
                            "message"}
    assert (finding["sheet"], finding["cell"], finding["row"], finding["column"]) == ("Plan", "F2", 2, "F")
    assert (finding["field"], finding["activity_id"], finding["value"]) == ("rag", "1", "Gren")
    assert second["error"].endswith("the file is empty (0 bytes)") and second["findings"] == []
    assert first["when"] == {"understood": 1, "inferred": 0, "ambiguous": 0, "not_understood": 0}
    assert second["when"] is None


def test_validate_counts_when_cells_per_file(book, capsys):
    rows = [["ID", "Activity", "When", "Who"], ["1", "Poster", "Autumn 2017", "CT"], ["2", "Talk", "March", "CT"],
            ["3", "Event", "March 16", "CT"], ["4", "Film", "banana", "CT"], ["5", "Post", None, "CT"]]
    path = book({"Plan": rows, "Owners": [["Code"], ["CT"]]})
    code, out, _ = run("validate", path, "--as-of", "2018-03-31", capsys=capsys)
    assert code == 1
    assert ("\n  When: 3 of 4 read (1 understood, 2 inferred from the plan's context), 0 ambiguous, "
            "1 not understood\n") in out  # March: 2017 from the dated rows; March 16: 16 March 2017
    data = json.loads(run("validate", path, "--format", "json", "--as-of", "2018-03-31", capsys=capsys)[1])
    assert data["files"][0]["when"] == {"understood": 1, "inferred": 2, "ambiguous": 0, "not_understood": 1}


def test_batch_checks_the_rest_after_a_bad_file(book, tmp_path, capsys):
    folder = tmp_path / "plans"
    folder.mkdir()
    for i in range(3):
        (folder / f"plan{i}.xlsx").write_bytes(book(GOOD, f"g{i}.xlsx").read_bytes())
    (folder / "plan1.xlsx").write_text("garbage")
    (folder / "~$plan0.xlsx").write_text("lock file")
    (folder / ".hidden.xlsx").write_text("hidden")
    (folder / "notes.txt").write_text("ignored")
    code, out, _ = run("validate", folder, "--as-of", "2018-03-31", "--jobs", "1", capsys=capsys)
    lines = out.splitlines()
    assert code == 2
    assert lines[0].endswith("plan0.xlsx: valid, 0 errors, 0 warnings, 6 info (as of 2018-03-31)")
    verdicts = [line for line in lines if not line.startswith(" ")]
    assert verdicts[1].endswith("plan1.xlsx: unreadable: a text or CSV file despite its .xlsx name")
    assert verdicts[2].endswith("plan2.xlsx: valid, 0 errors, 0 warnings, 6 info (as of 2018-03-31)")
    assert lines[-1] == "3 files: 2 valid, 0 invalid, 1 unreadable"


def test_parallel_batch_gives_the_same_report(book, tmp_path, capsys):
    paths = [book(GOOD if i % 2 else BAD, f"p{i}.xlsx") for i in range(6)]
    serial = run("validate", *paths, "--format", "json", "--jobs", "1", capsys=capsys)[1]
    parallel = run("validate", *paths, "--format", "json", "--jobs", "2", capsys=capsys)[1]
    assert json.loads(serial) == json.loads(parallel)


def test_glob_patterns(book, tmp_path, capsys):
    book(GOOD, "a.xlsx"), book(GOOD, "b.xlsx")
    (tmp_path / "notes.txt").write_text("not a workbook")
    code, out, _ = run("validate", str(tmp_path / "*.xlsx"), capsys=capsys)
    assert code == 0 and out.count(": valid") == 2
    code, out, _ = run("validate", str(tmp_path / "*"), capsys=capsys)
    assert code == 0 and out.count(": valid") == 2 and "notes.txt" not in out
    assert run("validate", str(tmp_path / "*.xlsm"), capsys=capsys)[0] == 2


def test_inputs_are_never_modified(book, capsys):
    paths = [book(GOOD, "g.xlsx"), book(BAD, "b.xlsx")]
    before = [p.read_bytes() for p in paths]
    for fmt in ("text", "json", "csv"):
        run("validate", *paths, "--format", fmt, capsys=capsys)
    assert [p.read_bytes() for p in paths] == before


def test_output_never_silently_replaces_a_file(book, tmp_path, capsys):
    target = tmp_path / "report.csv"
    target.write_text("precious")
    code, _, err = run("validate", book(BAD), "--format", "csv", "--output", target, capsys=capsys)
    assert code == 2 and "already exists" in err and target.read_text() == "precious"
    code, _, _ = run("validate", book(BAD), "--format", "csv", "--output", target, "--force", capsys=capsys)
    assert code == 1
    header, *rows = target.read_text().splitlines()
    assert header == "path,code,severity,sheet,cell,row,column,field,activity_id,value,message"
    assert any(",rag-invalid,error,Plan,F2,2,F,rag,1,Gren," in r for r in rows)


def test_when_command_json(capsys):
    code, out, _ = run("when", "--format", "json", "Autumn 2017/ Early 2018", "March 18 2018/19", "gibberish",
                       capsys=capsys)
    data = json.loads(out)
    assert code == 0
    assert data[0] | {"note": None} == {"text": "Autumn 2017/ Early 2018", "kind": "window", "start": "2017-09-01",
                                        "end": "2018-04-30", "provisional": False, "recurrence": None, "dates": [],
                                        "note": None, "year_from": None, "windows": [], "ambiguous": False}
    assert data[1]["kind"] == "days" and data[1]["dates"] == ["2018-03-18", "2019-03-18"]
    assert data[2]["kind"] == "unknown"


def test_rules_command_lists_the_catalogue(capsys):
    code, out, _ = run("rules", "--format", "json", capsys=capsys)
    codes = [r["code"] for r in json.loads(out)]
    assert code == 0 and "rag-invalid" in codes and "owner-unknown" in codes


def test_every_command_has_help_with_an_example():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, command in sub.choices.items():
        assert "Example:" in command.description and "cseplan " + name in command.description, name


def test_python_dash_m_and_no_traceback(tmp_path):
    missing = tmp_path / "missing.xlsx"
    done = subprocess.run([sys.executable, "-m", "cseplan_xl", "validate", str(missing)], capture_output=True,
                          text=True)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    assert f"{missing}: unreadable: no such file" in done.stdout


def test_output_over_an_input_is_refused_even_with_force(book, capsys):
    path = book(BAD)
    before = path.read_bytes()
    for command in (["validate", path, "--format", "csv"], ["rollup", path], ["evaluate", path]):
        code, _, err = run(*command, "--output", path, "--force", capsys=capsys)
        assert code == 2 and "is an input workbook" in err, command
    assert path.read_bytes() == before


def test_rollup_and_evaluate_leave_the_input_unchanged(book, capsys):
    path = book(GOOD)
    before = path.read_bytes()
    for command in ("rollup", "evaluate"):
        for fmt in ("text", "json", "csv"):
            assert run(command, path, "--format", fmt, capsys=capsys)[0] == 0
    assert path.read_bytes() == before


def test_the_parser_reads_a_validate_command_line():
    argv = ["validate", "a.xlsx", "--as-of", "2018-03-31", "--format", "json", "--select", "plan", "-j", "1"]
    args = build_parser().parse_args(argv)
    assert (args.command, args.paths, args.as_of, args.format, args.select, args.jobs) == (
        "validate", ["a.xlsx"], dt.date(2018, 3, 31), "json", ["plan"], 1)


def _usage_error(argv, capsys) -> str:
    with pytest.raises(SystemExit) as info:
        main([str(a) for a in argv])
    assert info.value.code == 2
    return capsys.readouterr().err.strip().splitlines()[-1]


def test_out_of_range_dates_and_periods_are_one_line_and_exit_2(book, capsys):
    good = book(GOOD)
    for command in ("rollup", "evaluate", "newsletter"):
        assert _usage_error([command, good, "--as-of", "9999-12-31"], capsys).endswith(
            "argument --as-of: 9999-12-31 is outside the years 1900 to 2199 that cseplan-xl works with")
    for period in ("0001Q1", "9999Q4", "0001-01-01..9999-12-31"):
        code, out, err = run("evaluate", good, "--period", period, capsys=capsys)
        assert code == 2 and err.count("\n") == 1 and err.startswith("Error: ") and "Traceback" not in err
    code, out, err = run("evaluate", good, "--period", "0001-01-01..9999-12-31", capsys=capsys)
    assert err == ("Error: the period '0001-01-01..9999-12-31' cannot be used: 0001-01-01 is outside the years 1900 "
                   "to 2199 that cseplan-xl works with\n")


def test_a_folder_as_template_and_a_long_path_are_one_line(book, tmp_path, capsys):
    good = book(GOOD)
    code, out, err = run("newsletter", good, "--template", tmp_path, "--output", tmp_path / "d.docx", capsys=capsys)
    assert (code, err) == (2, f"Error: {tmp_path}: is a folder, not a Word template (.docx)\n")
    long = tmp_path / ("a" * 300 + ".xlsx")
    code, out, err = run("rollup", long, capsys=capsys)
    assert code == 2 and err == f"Error: {long}: cannot be opened (File name too long)\n"
    code, out, err = run("validate", long, good, capsys=capsys)  # a batch reports it and checks the rest
    assert code == 2 and f"{long}: unreadable: cannot be opened (File name too long)" in out
    assert f"{good}: valid" in out


def test_an_unexpected_error_is_one_line_and_exit_2_never_1(book, monkeypatch, capsys):
    from cseplan_xl import plan

    def broken(*args, **kwargs):
        raise RuntimeError("a bug\nwith a second line")

    monkeypatch.setattr(plan, "load_plan", broken)
    code, out, err = run("rollup", book(GOOD), capsys=capsys)
    assert code == 2 and err == ("Error: an unexpected problem (RuntimeError: a bug); nothing was written over any "
                                 "file. Please report it with the command you ran\n")


def test_a_bug_in_one_file_of_a_batch_does_not_stop_the_batch(book, tmp_path, monkeypatch, capsys):
    from cseplan_xl import rules

    good, other = book(GOOD), book(BAD, name="other.xlsx")
    real = rules.check_plan

    def flaky(plan, *args, **kwargs):
        if plan.path.name == "other.xlsx":
            raise ZeroDivisionError("division by zero")
        return real(plan, *args, **kwargs)

    monkeypatch.setattr(rules, "check_plan", flaky)
    code, out, err = run("validate", good, other, "--jobs", "1", capsys=capsys)
    assert code == 2 and f"{good}: valid" in out
    assert (f"{other}: unreadable: cannot be checked (an unexpected problem: ZeroDivisionError: division by zero); "
            "please report it") in out


def test_jobs_are_capped_at_the_processors_and_it_says_so(book, monkeypatch, capsys):
    from cseplan_xl import batch

    monkeypatch.setattr(batch, "cpus", lambda: 2)
    seen = []
    monkeypatch.setattr(batch, "_parallel", lambda paths, *args: seen.append(args[3]) or [
        batch.validate_file(p) for p in paths])
    good = book(GOOD)
    code, out, err = run("validate", good, book(GOOD, name="b.xlsx"), "--jobs", "100000", capsys=capsys)
    assert code == 0 and err == "--jobs 100000 is more than the 2 processors here: using 2\n" and seen == [2]
