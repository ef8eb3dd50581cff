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
	clang libclang-rt-14-dev llvm openssl python3 \
	nginx-light tftpd-hpa lighttpd kea-dhcp4-server unbound tmux curl
# The tests start their own servers on 127.0.0.1; a packaged service that
# the install may have started is not theirs.
$SUDO service nginx stop >/dev/null 2>&1 || true
$SUDO service tftpd-hpa stop >/dev/null 2>&1 || true
$SUDO service lighttpd stop >/dev/null 2>&1 || true
$SUDO service kea-dhcp4-server stop >/dev/null 2>&1 || true
$SUDO service unbound stop >/dev/null 2>&1 || true
