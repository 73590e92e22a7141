; Inno Setup 6 script: the Windows installer for Staff Social Media Self-Audit.
;
; Build it with packaging\windows\build.ps1, which freezes the app first and passes the version:
;   iscc /DAppVersion=0.1.0 /DAppVersionNumeric=0.1.0.0 packaging\windows\self-audit.iss
; It installs per user, with no admin rights, into %LOCALAPPDATA%\Programs\Staff Self-Audit.
; Silent: StaffSelfAudit-<version>-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART [/CONFIG=path\school.toml]
; See packaging\README.md for IT.

#ifndef AppVersion
  #error Pass the app's version: iscc /DAppVersion=x.y.z (build.ps1 reads it from app\__init__.py)
#endif
#ifndef AppVersionNumeric
  #define AppVersionNumeric AppVersion
#endif

#define AppName "Staff Social Media Self-Audit"
#define ShortName "Staff Self-Audit"
#define AppExe "self-audit.exe"
#define CliExe "self-audit-cli.exe"
; What PyInstaller built (packaging\self-audit.spec), relative to this script.
#define DistDir "..\..\dist\self-audit"

[Setup]
; The AppId ties upgrades and the uninstaller together: never change it.
AppId={{ECF3BA93-ACB3-4653-9740-72B5EB498079}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#ShortName}
VersionInfoVersion={#AppVersionNumeric}
VersionInfoProductTextVersion={#AppVersion}
; Per user, no admin rights: {autopf} is %LOCALAPPDATA%\Programs when installing for the current user.
PrivilegesRequired=lowest
; IT may still install for all users of a machine with /ALLUSERS (then Program Files, admin rights).
PrivilegesRequiredOverridesAllowed=commandline
DefaultDirName={autopf}\{#ShortName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
OutputDir=..\..\dist
OutputBaseFilename=StaffSelfAudit-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\app.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
; An open copy of the app is closed for the update (Restart Manager), and not restarted.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An update replaces the whole bundle: no library of an older version is left behind.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#DistDir}\{#AppExe}"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#DistDir}\{#CliExe}"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#DistDir}\_internal\*"; DestDir: "{app}\_internal"; Flags: ignoreversion recursesubdirs createallsubdirs
; The school configuration given with /CONFIG=path, copied beside the executable (where the app
; looks first after SELF_AUDIT_SCHOOL_CONFIG). Without /CONFIG nothing is copied and a school.toml
; already there is kept.
Source: "{code:SchoolConfigFile}"; DestDir: "{app}"; DestName: "school.toml"; Flags: external ignoreversion; Check: SchoolConfigGiven

[Icons]
Name: "{autoprograms}\{#ShortName}"; Filename: "{app}\{#AppExe}"; Comment: "{#AppName}"
Name: "{autodesktop}\{#ShortName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#ShortName}}"; Flags: nowait postinstall skipifsilent

[Code]
// The /CONFIG=path switch: a school.toml to place beside the executable.
function SchoolConfigFile(Param: String): String;
begin
  Result := ExpandConstant('{param:CONFIG|}');
  if Result <> '' then
    Result := ExpandFileName(Result);  // relative to the folder setup was started from
end;

function SchoolConfigGiven(): Boolean;
begin
  Result := SchoolConfigFile('') <> '';
end;

function InitializeSetup(): Boolean;
begin
  Result := True;
  if SchoolConfigGiven and not FileExists(SchoolConfigFile('')) then
  begin
    // Silent installs log this and exit with code 1 (setup was not started); nothing is installed.
    Log('The school configuration given with /CONFIG was not found: ' + SchoolConfigFile(''));
    SuppressibleMsgBox('The school configuration file given with /CONFIG was not found:' + #13#10 +
      SchoolConfigFile('') + #13#10#13#10 + 'Nothing has been installed.', mbCriticalError, MB_OK, IDOK);
    Result := False;
  end;
end;
