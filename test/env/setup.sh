#!/usr/bin/env bash
# Builds (or reuses) the binaries of the test environment: kube-apiserver, kubectl, etcd,
# helm from their Go modules and the Keycloak Quarkus distribution from Maven Central.
# Everything lands in a cache outside the work tree, one directory per version, so a warm
# machine returns in well under a second. Idempotent: a finished component is marked by
# a ".done" file written last, so an interrupted build is retried, never half-used.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"
# DKO_KEYCLOAK_VERSION runs the environment against another Keycloak (npm run test:compat
# sets it to KEYCLOAK_COMPAT_VERSION) without editing versions.env; versions.ts reads the
# same variable so Node starts the binary built here. It becomes a directory name, so
# nothing but a version string is accepted.
KEYCLOAK_VERSION=${DKO_KEYCLOAK_VERSION:-$KEYCLOAK_VERSION}
if ! [[ $KEYCLOAK_VERSION =~ ^[0-9A-Za-z][0-9A-Za-z._-]*$ ]]; then
  echo "setup.sh: not a Keycloak version: '$KEYCLOAK_VERSION'" >&2
  exit 2
fi
cache=${DKO_TESTENV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dash-keycloak-operator-testenv}
mkdir -p "$cache"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod

log() { printf '[testenv setup %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
minutes() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# What a cold step takes on the reference machine (2 cores, empty Go caches: 332 s in all,
# README "Measured times"), scaled by the cores here; Keycloak's fetch runs beside the Go builds.
cores=$(nproc 2>/dev/null || echo 2)
estimate() {
  local base
  case $1 in kubernetes) base=240 ;; etcd) base=40 ;; helm) base=30 ;; keycloak) base=60 ;; esac
  echo $(( base * 2 / (cores < 2 ? 2 : cores > 8 ? 8 : cores) + 5 ))
}

# Go builds print nothing for minutes: say every DKO_SETUP_PROGRESS_SECONDS (default 30) that the
# step still runs, how long it has run and how long it usually takes. Stops with the step, or
# with this script if it fails.
progress_pids=()
trap 'for p in "${progress_pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
start_progress() {
  local what=$1 expected=$2 started parent=$$
  started=$(date +%s)
  ( while sleep "${DKO_SETUP_PROGRESS_SECONDS:-30}"; do
      kill -0 "$parent" 2>/dev/null || exit 0
      log "... $what: $(minutes $(( $(date +%s) - started ))) so far, usually about $(minutes "$expected")"
    done ) &
  progress_pids+=($!)
}
stop_progress() {
  local last=$(( ${#progress_pids[@]} - 1 ))
  kill "${progress_pids[$last]}" 2>/dev/null || true
  wait "${progress_pids[$last]}" 2>/dev/null || true
  unset "progress_pids[$last]"
}

kube_dir="$cache/kubernetes-$KUBERNETES_VERSION"
etcd_dir="$cache/etcd-$ETCD_VERSION"
# "-k8s": built with the Kubernetes version stamp (see build_helm). The directory of an older,
# unstamped build is left alone: an environment that is up may still run it.
helm_dir="$cache/helm-$HELM_VERSION-k8s"
kc_dir="$cache/keycloak-$KEYCLOAK_VERSION"

build_kubernetes() {
  [ -f "$kube_dir/.done" ] && return 0
  log "building kube-apiserver and kubectl $KUBERNETES_VERSION (usually about $(minutes "$(estimate kubernetes)") here)"
  start_progress "building kube-apiserver and kubectl" "$(estimate kubernetes)"
  local src="$kube_dir/src"
  rm -rf "$src" && mkdir -p "$src/bin" && cd "$src"
  # k8s.io/kubernetes cannot be `go install`ed: its go.mod replaces the staging modules
  # with ./staging paths (kubernetes/kubernetes#79384). A wrapper module requires it and
  # points every staging module at its published tag instead.
  go mod init dko.local/kubewrap >/dev/null 2>&1
  local gomod
  gomod=$(go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | sed -n 's/^\s*"GoMod": "\(.*\)",\?$/\1/p')
  go mod edit -require="k8s.io/kubernetes@$KUBERNETES_VERSION"
  grep -Eo '^\s*k8s\.io/[a-z0-9-]+ => \./staging' "$gomod" | awk '{print $1}' | sort -u | while read -r m; do
    go mod edit -replace="$m=$m@$KUBERNETES_STAGING_VERSION"
  done
  cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
  go mod tidy >/dev/null
  local minor=${KUBERNETES_VERSION#v1.}; minor=${minor%%.*}
  local ld="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld="$ld -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  go build -trimpath -tags=selinux,notest,grpcnotrace -ldflags "$ld" -o bin/kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver
  go build -trimpath -tags=selinux,notest,grpcnotrace -ldflags "$ld" -o bin/kubectl k8s.io/kubernetes/cmd/kubectl
  mkdir -p "$kube_dir/bin" && mv bin/kube-apiserver bin/kubectl "$kube_dir/bin/"
  cd "$cache" && rm -rf "$src"
  stop_progress
  touch "$kube_dir/.done"
}

build_etcd() {
  [ -f "$etcd_dir/.done" ] && return 0
  log "building etcd $ETCD_VERSION (usually about $(minutes "$(estimate etcd)") here)"
  start_progress "building etcd" "$(estimate etcd)"
  local src="$etcd_dir/src"
  rm -rf "$src" && mkdir -p "$src" && cd "$src"
  # etcd's server module is `package main` at its root but carries replace directives,
  # so it is built from a wrapper module too.
  go mod init dko.local/etcdwrap >/dev/null 2>&1
  printf '//go:build tools\n\npackage tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' > tools.go
  go mod edit -require="go.etcd.io/etcd/server/v3@$ETCD_VERSION"
  go mod tidy >/dev/null
  mkdir -p "$etcd_dir/bin"
  go build -trimpath -ldflags "-s -w" -o "$etcd_dir/bin/etcd" go.etcd.io/etcd/server/v3
  cd "$cache" && rm -rf "$src"
  stop_progress
  touch "$etcd_dir/.done"
}

build_helm() {
  [ -f "$helm_dir/.done" ] && return 0
  log "building helm $HELM_VERSION (usually about $(minutes "$(estimate helm)") here)"
  start_progress "building helm" "$(estimate helm)"
  local major=${HELM_VERSION%%.*}
  # A released helm knows the Kubernetes version of the client-go it was built with (its
  # Makefile passes it through -ldflags); without it `helm template` assumes v1.20 and refuses
  # a chart with kubeVersion >=1.30 unless --kube-version is given. Same variables and values
  # as helm's Makefile: major 1, minor = client-go's v0.<minor> from helm's own go.mod.
  local gomod client_go minor
  gomod=$(GOFLAGS= go mod download -json "helm.sh/helm/$major@$HELM_VERSION" | sed -n 's/^\s*"GoMod": "\(.*\)",\?$/\1/p')
  client_go=$(awk '$1 == "k8s.io/client-go" { print $2; exit }' "$gomod")
  minor=$(echo "$client_go" | cut -d. -f2)
  if ! [[ $minor =~ ^[0-9]+$ ]]; then
    echo "setup.sh: cannot read the k8s.io/client-go version from helm's go.mod ($gomod): '$client_go'" >&2
    exit 1
  fi
  local ld="-s -w -X helm.sh/helm/$major/internal/version.version=$HELM_VERSION"
  for pkg in pkg/lint/rules pkg/chartutil; do
    ld="$ld -X helm.sh/helm/$major/$pkg.k8sVersionMajor=1 -X helm.sh/helm/$major/$pkg.k8sVersionMinor=$minor"
  done
  mkdir -p "$helm_dir/bin"
  GOFLAGS= GOBIN="$helm_dir/bin" go install -trimpath -ldflags "$ld" "helm.sh/helm/$major/cmd/helm@$HELM_VERSION"
  stop_progress
  touch "$helm_dir/.done"
}

# Keycloak supports JDK 17, 21 and 25: prefer the Temurin 25 JDK, fall back to the default.
keycloak_java_home() {
  for j in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64 /usr/lib/jvm/java-17-openjdk-amd64; do
    [ -x "$j/bin/java" ] && { echo "$j"; return; }
  done
  dirname "$(dirname "$(readlink -f "$(command -v java)")")"
}

fetch_keycloak() {
  [ -f "$kc_dir/.done" ] && return 0
  log "fetching Keycloak $KEYCLOAK_VERSION from Maven Central (usually about $(minutes "$(estimate keycloak)") with its build, beside the rest)"
  rm -rf "$kc_dir" && mkdir -p "$kc_dir/dl"
  mvn -B -q "org.apache.maven.plugins:maven-dependency-plugin:$MAVEN_DEPENDENCY_PLUGIN_VERSION:copy" \
    "-Dartifact=org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip" "-DoutputDirectory=$kc_dir/dl"
  (cd "$kc_dir" && unzip -q dl/*.zip && mv "keycloak-$KEYCLOAK_VERSION" dist && rm -rf dl)
  # Augment once (about 40 s) so every start is `start --optimized` instead of start-dev
  # re-augmenting on each run. These build options are fixed for the test environment.
  # `--cache` is a run-time option (passed at start, see components.ts): 26.7 silently
  # ignored it here and 26.4 refuses the build with it.
  log "building Keycloak's optimized server image"
  JAVA_HOME=$(keycloak_java_home) "$kc_dir/dist/bin/kc.sh" build --db=dev-mem --health-enabled=true >"$kc_dir/build.log" 2>&1
  touch "$kc_dir/.done"
}

what=${1:-all}
# Before a cold build starts, say what is missing and how long it will take.
missing=() total=0
for c in kubernetes etcd helm keycloak; do
  [ "$what" = all ] || [ "$what" = "$c" ] || continue
  dir_var="${c/kubernetes/kube}_dir"; [ "$c" = keycloak ] && dir_var=kc_dir
  [ -f "${!dir_var}/.done" ] && continue
  missing+=("$c")
  [ "$c" = keycloak ] || total=$(( total + $(estimate "$c") ))
done
if [ ${#missing[@]} -gt 0 ]; then
  [[ " ${missing[*]} " == *" keycloak "* ]] && [ "$total" -lt "$(estimate keycloak)" ] && total=$(estimate keycloak)
  log "cold build of ${missing[*]}: about $(minutes "$total") on $cores cores (once; cached in $cache, later runs take seconds)"
fi
case "$what" in
  kubernetes) build_kubernetes ;;
  etcd) build_etcd ;;
  helm) build_helm ;;
  keycloak) fetch_keycloak ;;
  all)
    # Keycloak's download is network-bound; the Go builds share the two cores in turn.
    fetch_keycloak & kc=$!
    build_etcd; build_helm; build_kubernetes
    wait "$kc"
    ;;
  *) echo "usage: setup.sh [all|kubernetes|etcd|helm|keycloak]" >&2; exit 2 ;;
esac
log "ready in $cache"
