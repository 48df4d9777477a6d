# Shared settings and helpers for e2e/up, e2e/down, e2e/prometheus-ctl and
# e2e/kubectl. Source it from bash after `set -euo pipefail`.

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

STATE_DIR_INPUT="${REARGUARD_E2E_STATE:-/tmp/rearguard-e2e}"
# Normalized so that "/tmp/x/" and "/tmp/x" name the same processes.
STATE_DIR="$(realpath -m "$STATE_DIR_INPUT")"
APISERVER_PORT="${REARGUARD_APISERVER_PORT:-16443}"
ETCD_PORT="${REARGUARD_ETCD_PORT:-12379}"
ETCD_PEER_PORT="${REARGUARD_ETCD_PEER_PORT:-12380}"
CONTROLLER_MANAGER_PORT="${REARGUARD_CONTROLLER_MANAGER_PORT:-16257}"
SCHEDULER_PORT="${REARGUARD_SCHEDULER_PORT:-16259}"
KWOK_PORT="${REARGUARD_KWOK_PORT:-16262}"
PROMETHEUS_PORT="${REARGUARD_PROMETHEUS_PORT:-19090}"
SIMULATOR_PORT="${REARGUARD_SIMULATOR_PORT:-18080}"
OPERATOR_METRICS_PORT="${REARGUARD_OPERATOR_METRICS_PORT:-18081}"
FAKE_NODE_COUNT="${REARGUARD_FAKE_NODES:-2}"
START_TIMEOUT_SECONDS="${REARGUARD_START_TIMEOUT_SECONDS:-120}"
STOP_GRACE_SECONDS="${REARGUARD_STOP_GRACE_SECONDS:-10}"

# Start order. e2e/down stops them in reverse.
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok prometheus)

# Marker that e2e/up writes into the state folder. e2e/down deletes files only
# in a folder that has it, so a mistyped REARGUARD_E2E_STATE cannot wipe an
# unrelated folder.
STATE_MARKER=".rearguard-e2e-state"

LOG_DIR="$STATE_DIR/logs"
PID_DIR="$STATE_DIR/pids"
PKI_DIR="$STATE_DIR/pki"
TOKEN_DIR="$STATE_DIR/tokens"
# Written by e2e/up: the bin folder and ports of the running stack.
CLUSTER_ENV_FILE="$STATE_DIR/cluster.env"

log() {
    printf '[%s %s] %s\n' "${LOG_PREFIX:-e2e}" "$(date +%H:%M:%S)" "$*" >&2
}

# Validates STATE_DIR before any script creates or deletes files in it, and
# the timeout settings.
check_settings() {
    local variable
    for variable in START_TIMEOUT_SECONDS STOP_GRACE_SECONDS; do
        if ! [[ "${!variable}" =~ ^[1-9][0-9]{0,4}$ ]]; then
            log "ERROR: REARGUARD_$variable='${!variable}' must be a whole number of seconds from 1 to 99999"
            return 1
        fi
    done
    if [[ "$STATE_DIR_INPUT" != /* ]]; then
        log "ERROR: REARGUARD_E2E_STATE must be an absolute path, got '$STATE_DIR_INPUT'"
        return 1
    fi
    case "$STATE_DIR" in
        / | /tmp | /root | /home | /var | /usr | /etc | "${HOME:-/}")
            log "ERROR: REARGUARD_E2E_STATE='$STATE_DIR' is a system or home folder; use a dedicated folder such as /tmp/rearguard-e2e"
            return 1
            ;;
    esac
    if [[ -d "$STATE_DIR" && ! -f "$STATE_DIR/$STATE_MARKER" ]] && [[ -n "$(ls -A "$STATE_DIR")" ]]; then
        log "ERROR: $STATE_DIR is not empty and was not created by e2e/up (no $STATE_MARKER file); choose another REARGUARD_E2E_STATE or empty it"
        return 1
    fi
}

# Succeeds when pid runs our binary for this component with an argument under
# STATE_DIR. This keeps e2e/down from signalling a process that reused a pid.
pid_is_ours() {
    local pid="$1" component="$2"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    [[ -r "/proc/$pid/cmdline" ]] || return 1
    local -a argv
    mapfile -d '' -t argv <"/proc/$pid/cmdline" 2>/dev/null || return 1
    ((${#argv[@]} > 0)) || return 1
    [[ "$(basename "${argv[0]}")" == "$component" ]] || return 1
    local arg
    for arg in "${argv[@]:1}"; do
        if [[ "$arg" == *"$STATE_DIR/"* ]]; then
            return 0
        fi
    done
    return 1
}

# File descriptor of the lock on STATE_DIR. Processes that the scripts start
# must close it (8<&-), or they would hold the lock after the script exits.
STATE_LOCK_FD=8

# Serializes e2e/up, e2e/down and e2e/prometheus-ctl on one state folder.
lock_state_dir() {
    mkdir -p "$STATE_DIR"
    exec 8<"$STATE_DIR"
    if ! flock -n "$STATE_LOCK_FD"; then
        log "waiting for another e2e/up, e2e/down or e2e/prometheus-ctl on $STATE_DIR"
        flock "$STATE_LOCK_FD"
    fi
}

pid_file() {
    echo "$PID_DIR/$1.pid"
}

# Prints the pid of a running component that we started, or fails. A pid file
# whose process is gone or belongs to another program is removed as stale.
running_pid() {
    local component="$1" file pid
    file="$(pid_file "$component")"
    [[ -f "$file" ]] || return 1
    pid="$(<"$file")"
    if pid_is_ours "$pid" "$component"; then
        echo "$pid"
        return 0
    fi
    log "removing stale pid file $file (pid '$pid' is not a running $component started from $STATE_DIR)"
    rm -f "$file"
    return 1
}

# Sends SIGTERM, waits up to STOP_GRACE_SECONDS, then sends SIGKILL.
stop_component() {
    local component="$1" pid waited=0
    pid="$(running_pid "$component")" || return 0
    log "stopping $component (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    while pid_is_ours "$pid" "$component"; do
        if ((waited >= STOP_GRACE_SECONDS * 10)); then
            log "$component (pid $pid) still running after ${STOP_GRACE_SECONDS}s; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    # A killed process can stay visible in /proc for a moment, so wait for it to go.
    for _ in $(seq 50); do
        pid_is_ours "$pid" "$component" || break
        sleep 0.1
    done
    rm -f "$(pid_file "$component")"
}

stop_all_components() {
    local index
    for ((index = ${#COMPONENTS[@]} - 1; index >= 0; index--)); do
        stop_component "${COMPONENTS[index]}"
    done
}

# Loads BIN_DIR and the ports that e2e/up recorded, so that down,
# prometheus-ctl and kubectl act on the stack that is running even when the
# environment variables differ from the ones up saw.
load_cluster_env() {
    if [[ -f "$CLUSTER_ENV_FILE" ]]; then
        # shellcheck source=/dev/null
        source "$CLUSTER_ENV_FILE"
        return 0
    fi
    return 1
}
