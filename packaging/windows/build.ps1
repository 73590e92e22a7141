<#
.SYNOPSIS
  Builds the Windows installer: the frozen app (PyInstaller), a smoke test of it, then the setup
  program (Inno Setup 6). Run from anywhere, in PowerShell, on a 64-bit Windows 10 or 11 with
  Python 3.11+ (python.org) and Inno Setup 6 installed:

    powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1

  Writes dist\self-audit\ (the app) and dist\StaffSelfAudit-<version>-setup.exe.

.PARAMETER Python
  The Python that makes the build's virtual environment (default: the py launcher's 3.11+).
.PARAMETER Iscc
  Inno Setup's compiler, ISCC.exe (default: found on PATH or in the usual install folders).
.PARAMETER SignCommand
  Optional: a command that signs one file, with {file} where the path goes, for example
  'signtool sign /fd SHA256 /tr http://timestamp.digicert.com /td SHA256 /a "{file}"'.
  The two executables are signed before they are packed, and the setup program after.
#>
param(
    [string]$Python = "",
    [string]$Iscc = "",
    [string]$SignCommand = ""
)
$ErrorActionPreference = "Stop"
$Repo = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
Set-Location $Repo

function Invoke-Checked([string]$What, [scriptblock]$Command) {
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)" }
}

function Invoke-Sign([string]$File) {
    if (-not $SignCommand) { return }
    $line = $SignCommand.Replace("{file}", $File)
    Invoke-Checked "Signing $File" { cmd /c $line }
}

# 1. A virtual environment with the app's dependencies and PyInstaller.
$Venv = Join-Path $Repo ".venv"
$Py = Join-Path $Venv "Scripts\python.exe"
if (-not (Test-Path $Py)) {
    if ($Python) { Invoke-Checked "Creating .venv" { & $Python -m venv $Venv } }
    else { Invoke-Checked "Creating .venv" { py -3 -m venv $Venv } }
}
Invoke-Checked "Checking Python 3.11+" { & $Py -c "import sys; sys.exit(sys.version_info < (3, 11))" }
Invoke-Checked "Installing the build tools" { & $Py -m pip install --quiet --upgrade pip }
Invoke-Checked "Installing the app and PyInstaller" { & $Py -m pip install --quiet ".[package]" }

# 2. The version, from app\__init__.py (the same function the spec uses).
$Version = (& $Py -c "import sys; sys.path.insert(0, 'packaging'); import version_info as v; print(v.read_version())").Trim()
$Numeric = (& $Py -c "import sys; sys.path.insert(0, 'packaging'); import version_info as v; print('.'.join(map(str, v.version_tuple(v.read_version()))))").Trim()
Write-Host "Staff Self-Audit $Version ($Numeric)"

# 3. The frozen app: dist\self-audit\self-audit.exe (windowed) and self-audit-cli.exe (console).
Invoke-Checked "PyInstaller" {
    & $Py -m PyInstaller --noconfirm --clean --distpath dist --workpath build\pyinstaller packaging\self-audit.spec
}
$App = Join-Path $Repo "dist\self-audit"
$Cli = Join-Path $App "self-audit-cli.exe"
$Size = [math]::Round(((Get-ChildItem $App -Recurse -File | Measure-Object Length -Sum).Sum / 1MB), 1)
Write-Host "Bundle: $Size MB"
if ($Size -gt 200) { throw "The bundle is $Size MB: at most 200 MB" }

# 4. Smoke test, in a scratch data folder: the version, the bundled checklists, a demo PDF verified
#    in worker processes, and the window opening offscreen and closing after its first paint.
$Scratch = Join-Path ([IO.Path]::GetTempPath()) ("self-audit-smoke-" + [guid]::NewGuid())
New-Item -ItemType Directory $Scratch | Out-Null
$env:SELF_AUDIT_DATA_DIR = Join-Path $Scratch "data"
try {
    $Reported = (& $Cli --version).Trim()
    if ($Reported -ne "self-audit $Version") { throw "The frozen app says '$Reported', not 'self-audit $Version'" }
    $Checklists = Get-ChildItem (Join-Path $App "_internal\app\_bundled\checklists\*.toml") | ForEach-Object FullName
    Invoke-Checked "Validating the bundled checklists" { & $Cli checklists validate @Checklists }
    Invoke-Checked "Writing demo PDFs" { & $Cli demo --out (Join-Path $Scratch "demo") --count 3 }
    Invoke-Checked "Verifying the demo PDFs" { & $Cli verify (Join-Path $Scratch "demo") }
    $env:QT_QPA_PLATFORM = "offscreen"; $env:SELF_AUDIT_EXIT_AFTER_PAINT = "1"
    $Window = Start-Process -FilePath (Join-Path $App "self-audit.exe") -Wait -PassThru
    if ($Window.ExitCode -ne 0) { throw "The window exited with code $($Window.ExitCode)" }
    $Log = Get-Content (Join-Path $env:SELF_AUDIT_DATA_DIR "logs\self-audit.log") -Raw
    if ($Log -match " ERROR ") { throw "The app logged an error:`n$Log" }
} finally {
    Remove-Item Env:SELF_AUDIT_DATA_DIR, Env:QT_QPA_PLATFORM, Env:SELF_AUDIT_EXIT_AFTER_PAINT -ErrorAction SilentlyContinue
    Remove-Item -Recurse -Force $Scratch -ErrorAction SilentlyContinue
}
Invoke-Sign (Join-Path $App "self-audit.exe")
Invoke-Sign $Cli

# 5. The setup program.
if (-not $Iscc) {
    $Found = Get-Command ISCC.exe -ErrorAction SilentlyContinue
    if ($Found) { $Iscc = $Found.Source }
}
if (-not $Iscc) {
    $Iscc = @(
        "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe",
        "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
        "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe"
    ) | Where-Object { Test-Path $_ } | Select-Object -First 1
}
if (-not $Iscc) { throw "Inno Setup 6 (ISCC.exe) was not found: install it from https://jrsoftware.org/isinfo.php or pass -Iscc" }
Invoke-Checked "Inno Setup" {
    & $Iscc "/DAppVersion=$Version" "/DAppVersionNumeric=$Numeric" (Join-Path $PSScriptRoot "self-audit.iss")
}
$Setup = Join-Path $Repo "dist\StaffSelfAudit-$Version-setup.exe"
Invoke-Sign $Setup
Write-Host "Built $Setup"
