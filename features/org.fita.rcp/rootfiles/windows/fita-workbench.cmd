@echo off
rem Starts the FiTA workbench installed in this folder: fita-workbench [--version] [WORKBENCH ARGS...]
rem Maven Central has no native Eclipse launcher, so this runs the Equinox launcher jar with Java 21+:
rem a runtime bundled in jre\, else JAVA_HOME, else java on the PATH, else one in the usual install
rem folders (Eclipse Adoptium, Microsoft, Zulu, Oracle, Amazon Corretto, BellSoft). FITA_JAVA_OPTS adds
rem JVM options (e.g. -Xmx2g).
setlocal EnableExtensions
set "HERE=%~dp0"
set "JAVA="
set "JAVA_FEATURE="

call :try "%HERE%jre\bin\java.exe"
if not defined JAVA if defined JAVA_HOME call :try "%JAVA_HOME%\bin\java.exe"
if not defined JAVA for /f "delims=" %%J in ('where java.exe 2^>nul') do if not defined JAVA call :try "%%J"
if not defined JAVA for %%R in ("%ProgramFiles%\Eclipse Adoptium" "%ProgramFiles%\Microsoft" "%ProgramFiles%\Zulu" "%ProgramFiles%\Java" "%ProgramFiles%\Amazon Corretto" "%ProgramFiles%\BellSoft" "%LOCALAPPDATA%\Programs\Eclipse Adoptium") do (
    if exist "%%~R" for /d %%D in ("%%~R\*") do if not defined JAVA call :try "%%~D\bin\java.exe"
)

set "LAUNCHER="
for %%L in ("%HERE%plugins\org.eclipse.equinox.launcher_*.jar") do set "LAUNCHER=%%~fL"

if /i "%~1"=="--version" goto version
if /i "%~1"=="-version" goto version
rem The messages stand outside blocks: a folder name with a parenthesis would end a block early.
if not defined LAUNCHER goto nolauncher
if not defined JAVA goto nojava

rem javaw.exe beside java.exe opens no console window.
set "JAVAW=%JAVA:java.exe=javaw.exe%"
if not exist "%JAVAW%" set "JAVAW=%JAVA%"
start "FiTA" "%JAVAW%" %FITA_JAVA_OPTS% -jar "%LAUNCHER%" %*
exit /b 0

:nolauncher
echo fita-workbench: %HERE%plugins holds no org.eclipse.equinox.launcher jar; unpack the whole archive again. 1>&2
exit /b 1

:nojava
echo fita-workbench: FiTA needs Java 21 or newer, and none was found (jre\, JAVA_HOME, java on the PATH, 1>&2
echo Program Files). Install one, e.g. Eclipse Temurin 21 or newer, or set JAVA_HOME to it. 1>&2
exit /b 1

:version
set "APPJAR="
for %%L in ("%HERE%plugins\org.fita.app_*.jar") do set "APPJAR=%%~nL"
set "FITAVERSION=unknown"
if defined APPJAR set "FITAVERSION=%APPJAR:org.fita.app_=%"
for /f "tokens=1-3 delims=." %%a in ("%FITAVERSION%") do if not "%%c"=="" set "FITAVERSION=%%a.%%b.%%c"
echo fita-workbench (FiTA %FITAVERSION%)
if not defined JAVA echo no Java 21 or newer found
if defined JAVA echo Java %JAVA_FEATURE% at %JAVA%
exit /b 0

rem :try PATH - sets JAVA and JAVA_FEATURE when PATH is a java.exe of version 21 or newer.
:try
if not exist "%~1" exit /b 1
set "FEATURE="
for /f "tokens=2 delims==" %%V in ('call "%~1" -XshowSettings:properties -version 2^>^&1 ^| findstr /c:"java.specification.version ="') do set "FEATURE=%%V"
if not defined FEATURE exit /b 1
set "FEATURE=%FEATURE: =%"
set "FEATURE_NUMBER=0"
set /a FEATURE_NUMBER=FEATURE 2>nul
if %FEATURE_NUMBER% GEQ 21 set "JAVA=%~1"
if %FEATURE_NUMBER% GEQ 21 set "JAVA_FEATURE=%FEATURE_NUMBER%"
exit /b 0
