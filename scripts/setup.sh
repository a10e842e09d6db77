#!/usr/bin/env bash
# Prepares this machine to run drills, idempotently: Node >= 22 for the tool, a Docker engine
# that answers, and the Kafka and Toxiproxy images. A second run takes seconds.
# Exit codes: 0 ready, 3 environment problem (the message names the fix).
#
# --kafka V1,V2: also the images of these Kafka releases (3.3.0 or newer). The test suite's
# extra releases (TEST_KAFKA_VERSIONS) are not built here: the tests that run them build them
# with this option when they need them (test/e2e/test-releases.ts).
#
# --test-releases: also the test suite's extra releases, built beside the default one: what CI
# runs (.ci/run), so that `npm test` does not spend its own minutes building them.
#
# --drills-only (what `npx mm2-drill setup` runs in a project that installed the package): only
# the Docker engine and the images. The tool already runs on a Node it accepts, and the test
# suite's tools are for a clone of this repository.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
drills_only=false
test_releases=false
extra_kafka=()
while [ $# -gt 0 ]; do
  case $1 in
    --drills-only) drills_only=true ;;
    --test-releases) test_releases=true ;;
    --kafka)
      [ $# -ge 2 ] || { echo '[setup] ERROR (USAGE): --kafka needs releases, e.g. --kafka 3.9.1,3.6.2' >&2; exit 3; }
      shift; IFS=, read -ra more <<<"$1"; extra_kafka+=(${more[@]+"${more[@]}"}) ;;
    *) printf '[setup] ERROR (USAGE): unknown option %s (options: --drills-only, --test-releases, --kafka V1,V2)\n' "$1" >&2; exit 3 ;;
  esac
  shift
done
# An installed package lives under node_modules, which a reinstall wipes: keep downloads elsewhere.
if $drills_only; then cache="${XDG_CACHE_HOME:-$HOME/.cache}/mm2-drill"; else cache="$root/.cache"; fi
mkdir -p "$cache"
# shellcheck disable=SC1091
source docker/versions.env

t0=$SECONDS
step() { printf '\033[1m[setup %3ss]\033[0m %s\n' "$((SECONDS - t0))" "$*"; }
fail() { printf '\n[setup] ERROR (%s): %s\n' "$1" "$2" >&2; exit 3; }

# One setup at a time per cache: the test suite builds its extra releases with this script while
# another run of it may still be building them; the second waits, then finds them ready.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache/setup.lock"
  flock -n 9 || { step "waiting for another setup of this machine to finish"; flock 9; }
fi

# --- Node ----------------------------------------------------------------------------------
if ! $drills_only; then
# The tool targets Node >= 22. package.json depends on the `node` package from the npm
# registry, which puts a Node 24 binary in node_modules/.bin (first on PATH for npm scripts and npx).
node_major() { "$1" -e 'process.stdout.write(String(process.versions.node.split(".")[0]))' 2>/dev/null || echo 0; }
[ -d node_modules ] || { step "installing npm dependencies (npm ci)"; npm ci --no-fund --no-audit; }
nodebin=node_modules/.bin/node
if [ "$(node_major "$nodebin")" -lt 22 ]; then
  step "node_modules/.bin/node missing or too old: reinstalling the node package"
  npm install --no-save --no-fund --no-audit node@24 >/dev/null
fi
[ "$(node_major "$nodebin")" -ge 22 ] || fail NODE "no Node >= 22 available; install Node 22 or newer and re-run"
step "node $("$nodebin" --version) ready"
fi

docker_ok() { timeout 10 docker info >/dev/null 2>&1; }
apt_updated=false

# Background build jobs: each one's failure has already printed its message; setup exits with it.
# On exit only these are stopped: the dockerd started below must outlive setup.
pids=()
trap 'kill "${pids[@]}" ${jars:-} ${gobuild:-} 2>/dev/null || true' EXIT
await_all() { local p; for p in "${pids[@]}"; do wait "$p" || exit 3; done; pids=(); }

# The default release and any asked for with --kafka (what `mm2-drill setup <scenario>` passes,
# and what the test suite passes for its extra releases: test/e2e/test-releases.ts).
kafka_versions=()
$test_releases && extra_kafka+=($TEST_KAFKA_VERSIONS)
for v in $(printf '%s\n' "$KAFKA_VERSION" ${extra_kafka[@]+"${extra_kafka[@]}"} | awk 'NF && !seen[$0]++'); do
  [[ $v =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail USAGE "not a Kafka release: '$v' (expected a version like 3.9.1)"
  kafka_versions+=("$v")
done

# --- Images --------------------------------------------------------------------------------
have() { docker image inspect "$1" >/dev/null 2>&1; }
# An official image is used when present or pullable; the pull is bounded because machines
# without a registry otherwise hang on it.
try_pull() { [ "${MM2_DRILL_NO_PULL:-}" = 1 ] && return 1; timeout 30 docker pull -q "$1" >/dev/null 2>&1; }

go_binary() { # module@version, output name
  local out="$cache/bin/$2"
  mkdir -p "$cache/bin"
  if [ ! -x "$out" ]; then
    command -v go >/dev/null || fail GO_MISSING "building $1 needs Go (https://go.dev/dl/) or a registry to pull the image from"
    step "building $1 (Go, static)"
    local gobin; gobin=$(mktemp -d)
    # Niced: ~95 CPU-seconds on a fresh machine, never on the critical path (the Kafka image is).
    CGO_ENABLED=0 GOBIN="$gobin" nice -n 10 go install "$1" 2>&1 | grep -v "^go: downloading" || true
    mv "$gobin"/* "$out"; rm -rf "$gobin"
  fi
}

# What an image is built from (its Dockerfile and build scripts): a local image built from an
# older recipe is rebuilt (the downloads it needs stay cached).
recipe() { cat "$root/docker/$1"/* | sha256sum | cut -c1-12; }
recipe_of() { docker image inspect -f '{{ index .Config.Labels "dev.mm2-drill.recipe" }}' "$1" 2>/dev/null || true; }

build_from() { # dir, tag, file-to-copy...
  local dir=$1 tag=$2; shift 2
  local log="$cache/build-$(tr '/:' '--' <<<"$tag").log"
  local ctx; ctx=$(mktemp -d)
  cp "$root/docker/$dir"/* "$ctx/"
  for f in "$@"; do cp -r "$f" "$ctx/"; done
  # The whole build's output in its log, and its end on stderr when it fails (a CI shows no file).
  DOCKER_BUILDKIT=0 docker build ${BASE:+--build-arg BASE="$BASE"} --label "dev.mm2-drill.recipe=$(recipe "$dir")" -t "$tag" "$ctx" >"$log" 2>&1 \
    || { local rc=$?; tail -20 "$log" >&2; fail BUILD "building $tag failed (exit $rc); see $log"; }
  rm -rf "$ctx"
}

jre_base=mm2-drill/jre-base:bookworm-17
# The JRE layer every Kafka image builds on (debootstrap: root, and Debian's own mirror).
jre_base_image() {
  have "$jre_base" && return
  [ "$(id -u)" = 0 ] || fail BUILD "building a Kafka image offline needs root (debootstrap); or make the apache/kafka images available"
  command -v debootstrap >/dev/null || fail BUILD "debootstrap is missing (apt-get install debootstrap)"
  local rootfs="$cache/rootfs"
  rm -rf "$rootfs"
  # Use the machine's own Debian mirror when it has one configured.
  local mirror
  mirror=$(grep -rhoE '(URIs:|^deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d 2>/dev/null | grep -oE 'https?://[^ ]+' | head -1 || true)
  step "debootstrap: Debian bookworm + openjdk-17-jre-headless (about a minute)"
  debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm "$rootfs" ${mirror:+"$mirror"} >"$cache/debootstrap.log" 2>&1 \
    || fail BUILD "debootstrap failed; see $cache/debootstrap.log"
  step "importing the JRE base image $jre_base"
  tar -C "$rootfs" -c . | docker import - "$jre_base" >/dev/null
  rm -rf "$rootfs"
}

# One image per Kafka release: the default one, the test suite's (a clone's full setup) and any
# asked for with --kafka (what `mm2-drill setup <scenario>` passes: the releases its cells run).
# They share the JRE base layer; each adds its release's jars and class-data-sharing archives.
kafka_ready() { # version: an image is there (official, pulled, or built from the current recipe)
  local version=$1
  local official="apache/kafka:$version" local_tag="mm2-drill/kafka:$version"
  if have "$local_tag" && [ "$(recipe_of "$local_tag")" != "$(recipe kafka)" ]; then
    step "$local_tag was built from an older recipe: rebuilding it"
    docker image rm -f "$local_tag" >/dev/null
  fi
  if have "$official" || have "$local_tag" || try_pull "$official"; then
    step "kafka image ready ($(have "$official" && echo "$official" || echo "$local_tag"))"
    return 0
  fi
  return 1
}
# Kafka's POMs declare only slf4j-api: a binding per generation, as src/core/kafka/kafka-release.ts
# configures them (logConfigOf): reload4j (log4j 1) for 3.x, log4j2 for 4.x.
kafka_libs() { local logging=log4j1; [ "${1%%.*}" -ge 4 ] && logging=log4j2; echo "$cache/kafka-libs-$1-$logging"; }
kafka_resolve() { # version: its jars, from Maven (cached)
  local version=$1 libs; libs=$(kafka_libs "$1")
  [ -f "$libs/.complete" ] && return
  command -v mvn >/dev/null || fail MAVEN_MISSING "building the Kafka image offline needs Maven; or make apache/kafka:$version available"
  step "resolving Kafka $version, MirrorMaker 2 and tools jars (Maven)"
  rm -rf "$libs"
  mvn -q -B -Dstyle.color=never -f docker/kafka/pom.xml -Dkafka.version="$version" -Dlogging="${libs##*-}" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$libs" >"$cache/maven-$version.log" 2>&1 \
    || fail BUILD "Maven could not resolve the jars of Kafka $version (is it a release on Maven Central?); see $cache/maven-$version.log"
  touch "$libs/.complete"
}
kafka_build() { # version
  local version=$1 local_tag="mm2-drill/kafka:$1" stage="$cache/stage-$1"
  step "building $local_tag (with class-data-sharing archives: about a minute)"
  rm -rf "$stage"; mkdir -p "$stage"; cp -r "$(kafka_libs "$version")" "$stage/libs"; rm -f "$stage/libs/.complete"
  local t=$SECONDS
  BASE="$jre_base" build_from kafka "$local_tag" "$stage/libs"
  rm -rf "$stage"
  step "$local_tag built in $((SECONDS - t)) s, $(docker image inspect -f '{{.Size}}' "$local_tag" | awk '{printf "%d MB", $1 / 1e6}')"
}

toxi_official="ghcr.io/shopify/toxiproxy:$TOXIPROXY_VERSION"
toxi_local="mm2-drill/toxiproxy:$TOXIPROXY_VERSION"
toxi_module="github.com/Shopify/toxiproxy/v2/cmd/server@v$TOXIPROXY_VERSION"
toxiproxy_image() {
  if have "$toxi_official" || have "$toxi_local" || try_pull "$toxi_official"; then
    step "toxiproxy image ready"
  else
    # The build started before the engine was up (a fresh machine) writes the same binary.
    while [ -n "${gobuild:-}" ] && kill -0 "$gobuild" 2>/dev/null; do sleep 1; done
    go_binary "$toxi_module" toxiproxy
    step "building $toxi_local"
    build_from toxiproxy "$toxi_local" "$cache/bin/toxiproxy"
  fi
}

# --- Docker engine -------------------------------------------------------------------------
if ! command -v docker >/dev/null 2>&1 && [ "$(id -u)" != 0 ]; then
  fail DOCKER_MISSING "no docker client; install Docker Engine (https://docs.docker.com/engine/install/) and re-run"
fi
if ! docker_ok; then
  # A machine whose engine is not up yet (a fresh one: it has no images either). The Kafka jars
  # (Maven: network) and the Toxiproxy binary (Go: CPU, niced below the critical path) need no
  # engine: they start now, beside its install, not after it. Both are cached: where the images
  # turn out to exist, they only fill the cache.
  if command -v mvn >/dev/null 2>&1; then
    ( for v in "${kafka_versions[@]}"; do kafka_resolve "$v"; done ) & jars=$!
  fi
  if command -v go >/dev/null 2>&1; then
    ( go_binary "$toxi_module" toxiproxy ) & gobuild=$!
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    if ! command -v dockerd >/dev/null 2>&1; then
      # debootstrap in the same transaction: a machine without an engine has no images either,
      # and the JRE base layer waits for it.
      engine_pkgs=(docker.io); command -v debootstrap >/dev/null 2>&1 || engine_pkgs+=(debootstrap)
      step "installing Debian's ${engine_pkgs[*]} (no Docker engine found)"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${engine_pkgs[@]}" >/dev/null
      apt_updated=true
    fi
    if [ -z "${DOCKER_HOST:-}" ] && ! pgrep -x dockerd >/dev/null; then
      step "starting dockerd (log: /var/log/mm2-drill-dockerd.log)"
      setsid nohup dockerd >/var/log/mm2-drill-dockerd.log 2>&1 < /dev/null 9>&- &
      disown
    fi
    for _ in $(seq 60); do docker_ok && break; sleep 1; done
  fi
  docker_ok || fail DOCKER_UNREACHABLE "the Docker engine does not answer${DOCKER_HOST:+ at DOCKER_HOST=$DOCKER_HOST}; start it (e.g. 'sudo systemctl start docker') and re-run"
fi
step "docker engine $(docker version -f '{{.Server.Version}}') ready"

to_build=()
for v in "${kafka_versions[@]}"; do kafka_ready "$v" || to_build+=("$v"); done
if ! $drills_only; then
  for v in $TEST_KAFKA_VERSIONS; do
    [[ " ${kafka_versions[*]} " == *" $v "* ]] || have "apache/kafka:$v" || have "mm2-drill/kafka:$v" \
      || step "the test suite's Kafka $v image builds when a test that drills it starts (now: npm run setup -- --kafka $v)"
  done
fi

# What a fresh machine lacks from Debian. debootstrap is on the critical path (the JRE layer
# waits for it); the test suite's packages are not: they install beside the image builds, niced
# (apt allows one transaction at a time, debootstrap itself does not use the host's dpkg). The test
# suite opens report.html in a real headless Chromium and validates junit.xml with xmllint;
# drills themselves need neither.
now=() later=()
[ ${#to_build[@]} -gt 0 ] && ! have "$jre_base" && ! command -v debootstrap >/dev/null && now+=(debootstrap)
if ! $drills_only; then
  command -v chromium >/dev/null 2>&1 || later+=(chromium)
  command -v xmllint >/dev/null 2>&1 || later+=(libxml2-utils)
fi
apt_install() { # packages...
  $apt_updated || apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >"$cache/apt.log" 2>&1 \
    || fail BUILD "installing $* failed; see $cache/apt.log"
}
if [ $((${#now[@]} + ${#later[@]})) -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    if [ ${#now[@]} -gt 0 ]; then
      step "installing Debian packages: ${now[*]}"
      apt_install "${now[@]}"
      apt_updated=true
    fi
    if [ ${#later[@]} -gt 0 ]; then
      step "installing Debian packages for the test suite, beside the builds: ${later[*]}"
      ( renice -n 10 "$BASHPID" >/dev/null; apt_install "${later[@]}" ) & pids+=($!)
    fi
  else
    step "note: missing ${now[*]} ${later[*]} (the test suite needs chromium and xmllint on PATH)"
  fi
fi

# Fresh machine: the Toxiproxy build (Go, CPU) and the jars (Maven, network) run beside
# debootstrap (network, disk); then the Kafka images build side by side.
toxiproxy_image & pids+=($!)
if [ ${#to_build[@]} -gt 0 ]; then
  # One Maven at a time: concurrent runs would share ~/.m2 without locking. On a fresh machine
  # it started before the engine (above), for every release asked for.
  [ -n "${jars:-}" ] || { ( for v in "${to_build[@]}"; do kafka_resolve "$v"; done ) & jars=$!; }
  jre_base_image
  wait "$jars" || exit 3
  for v in "${to_build[@]}"; do kafka_build "$v" & pids+=($!); done
elif [ -n "${jars:-}" ]; then
  pids+=("$jars")
fi
await_all

step "ready"
