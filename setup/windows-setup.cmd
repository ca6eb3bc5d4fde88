@echo off
rem cseplan-xl: set up Python for the workbook's buttons, for this Windows user only: no admin rights needed.
rem
rem   setup\windows-setup.cmd                      install from this folder's copy of cseplan-xl (pip reaches an index)
rem   setup\windows-setup.cmd C:\path\wheelhouse   install from a folder of wheels (make wheelhouse), with no index
rem
rem It uses the "py" launcher that the python.org installer puts in place, makes a virtual environment at
rem %LOCALAPPDATA%\cseplan-xl\venv, installs cseplan-xl there, then runs "cseplan excel-setup", which writes that
rem Python into xlwings' own settings (%USERPROFILE%\.xlwings\xlwings.conf) and checks the rest.
setlocal
set "SOURCE=%~dp0.."
set "WHEELS=%~1"
set "VENV=%LOCALAPPDATA%\cseplan-xl\venv"

where py >nul 2>nul
if errorlevel 1 goto :nopy
py -3 -c "import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)"
if errorlevel 1 goto :oldpy

if exist "%VENV%\Scripts\python.exe" goto :install
echo Making a Python environment for cseplan-xl in %VENV%
py -3 -m venv "%VENV%"
if errorlevel 1 goto :novenv

:install
if "%WHEELS%"=="" goto :fromsource
echo Installing cseplan-xl from the wheels in %WHEELS% (no internet needed)
"%VENV%\Scripts\python.exe" -m pip install --no-index --find-links "%WHEELS%" --upgrade cseplan-xl
if errorlevel 1 goto :pipfailed
goto :configure

:fromsource
echo Installing cseplan-xl from %SOURCE%
"%VENV%\Scripts\python.exe" -m pip install --upgrade "%SOURCE%"
if errorlevel 1 goto :pipfailed

:configure
echo.
"%VENV%\Scripts\cseplan.exe" excel-setup
echo.
echo Python for the buttons: %VENV%\Scripts\python.exe
echo Next: open the workbook, enable macros and click Check setup.
exit /b 0

:nopy
echo The Python launcher "py" was not found.
echo Install Python 3.11 or later for your user only from https://www.python.org/downloads/windows/
echo (the installer's "Install for all users" box can stay unticked: no admin rights needed), or ask IT for it.
echo If typing python opens the Microsoft Store, that is Windows' placeholder, not Python: see the README.
exit /b 2

:oldpy
echo cseplan-xl needs Python 3.11 or later; "py -3" starts an older one. Install a newer Python, then run this again.
exit /b 2

:novenv
echo Could not make %VENV%. Is %LOCALAPPDATA% writable? See the README, "Setting up Python on Windows".
exit /b 2

:pipfailed
echo pip could not install cseplan-xl. Without internet access, use a folder of wheels: on a PC with internet run
echo "make wheelhouse" in the repo, copy the wheelhouse folder here, then: setup\windows-setup.cmd C:\path\wheelhouse
exit /b 2
