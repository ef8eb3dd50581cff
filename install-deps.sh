#!/bin/sh
# Installs the Debian 12 packages phonefleet builds and tests with.
set -e
if [ "$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends \
	build-essential autoconf automake pkg-config git ca-certificates \
	libxml2-dev libxml2-utils libssl-dev libevent-dev zlib1g-dev \
	libcmocka-dev libncurses-dev libslirp-dev libglib2.0-dev \
	clang libclang-rt-14-dev llvm openssl python3 tmux
