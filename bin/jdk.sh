# Sourced by bin/run-local, bin/test and .ci/run: chooses a JDK that can build this project and exports JAVA_HOME
# and PATH for Maven. The build targets Java 21; the first of these that is 21 or newer wins: $JAVA_HOME, the default
# 'java', /usr/lib/jvm/temurin-25-jdk-amd64, any other JDK under /usr/lib/jvm. Fails with a clear message otherwise.

REQUIRED_JAVA=21

# The feature release of the JDK whose 'java' is given ("17", "21", "25"); empty when it does not run.
java_release() {
    "$1" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/^ *java\.specification\.version = / {print $2; exit}'
}

select_jdk() {
    local candidates=()
    [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME")
    if command -v java >/dev/null 2>&1; then
        candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
    fi
    candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64)
    local home
    for home in /usr/lib/jvm/*; do
        candidates+=("$home")
    done
    local release
    for home in "${candidates[@]}"; do
        [[ -x "$home/bin/java" && -x "$home/bin/javac" ]] || continue
        release="$(java_release "$home/bin/java")"
        if [[ "$release" =~ ^[0-9]+$ ]] && (( release >= REQUIRED_JAVA )); then
            echo "$home"
            return 0
        fi
    done
    return 1
}

if ! JDK_HOME="$(select_jdk)"; then
    echo >&2
    echo "############################################################################" >&2
    echo "# No JDK $REQUIRED_JAVA or newer found (looked at \$JAVA_HOME, the default 'java' and /usr/lib/jvm/*)." >&2
    echo "# The build targets Java $REQUIRED_JAVA. Install one (e.g. Temurin 21 or 25) or point JAVA_HOME at it." >&2
    echo "############################################################################" >&2
    exit 1
fi
export JAVA_HOME="$JDK_HOME"
export PATH="$JAVA_HOME/bin:$PATH"
echo "Using the JDK at $JAVA_HOME (Java $(java_release "$JAVA_HOME/bin/java"))"
# Maven 3.8's own Guava calls sun.misc.Unsafe, which Java 24+ warns about on every run; the build itself does not.
if (( $(java_release "$JAVA_HOME/bin/java") >= 24 )); then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi
