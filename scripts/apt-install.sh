#!/bin/sh
# Install Debian/Ubuntu packages that are missing (as root, or through sudo). Used by the Makefile.
# Usage: scripts/apt-install.sh package...
missing=""
for pkg in "$@"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "请手动安装：$missing（本机没有 apt-get）" >&2
  exit 0
fi
echo "正在安装系统软件包：$missing"
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1 || {
  $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null; } || {
  echo "安装失败：$missing；请手动安装后重试" >&2; exit 1; }
