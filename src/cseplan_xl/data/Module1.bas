Attribute VB_Name = "Module1"
' cseplan-xl: the workbook's buttons. Each Sub runs one function of the installed cseplan_xl package through
' xlwings' RunPython (the xlwings module beside this one). The import line names the package, never this file,
' so the buttons keep working when the workbook is renamed or downloaded twice ("cseplan (1).xlsm").
Option Explicit

Sub ValidatePlan()
    RunButton "import cseplan_xl.excel as x; x.validate_plan()"
End Sub

Sub RefreshDashboard()
    RunButton "import cseplan_xl.excel as x; x.refresh_dashboard()"
End Sub

Sub DraftNewsletter()
    RunButton "import cseplan_xl.excel as x; x.draft_newsletter()"
End Sub

Sub RunChosenAction()
    RunButton "import cseplan_xl.excel as x; x.run_chosen_action()"
End Sub

Sub CheckSetup()
    RunButton "import cseplan_xl.excel as x; x.check_setup(vba_version='" & XLWINGS_VERSION & "')"
End Sub

' Python writes its progress to the status bar; it is cleared here whatever happened.
Private Sub RunButton(ByVal statement As String)
    Application.StatusBar = "cseplan-xl: starting Python..."
    On Error GoTo Failed
    RunPython statement
    Application.StatusBar = False
    Exit Sub
Failed:
    Application.StatusBar = False
    MsgBox "cseplan-xl could not run Python: " & Err.Description, vbExclamation, "cseplan-xl"
End Sub
