#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# run.sh IMG LOG: boots an image from build-image.sh in Bochs + OVMF (one CPU)
# until the guest prints "LINUX-L1: done"; the serial console goes to LOG.
# Exit status 0 when that line was reached, 1 otherwise (see watch.sh).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 IMG LOG" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../system/bochs.sh" --disk "$1" --cpus 1 --timeout 300 --log "$2" \
	--until 'LINUX-L1: done'
