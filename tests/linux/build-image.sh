#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# build-image.sh OUT.img [FIRST_STAGE.efi]
# environment: KERNEL_ARGS_EXTRA="..." is appended to the kernel command line
# (e.g. "kvm_intel.enable_apicv=0 kvm_intel.pml=0": init.sh hands every
# kvm_intel.NAME=VALUE word to kvm-intel.ko); MK_CFG_EXTRA="key=value\n..." is
# appended to matryoshka.cfg (e.g. nested_state_stress=1)
#
# Builds a GPT disk with a FAT EFI system partition that boots Debian's cloud
# kernel (linux-image-cloud-amd64: LZ4, quick to decompress in Bochs) with a
# busybox initramfs through a standalone GRUB EFI image:
#
#   /vmlinuz, /initrd.img          the kernel and the initramfs (init.sh as /init)
#   without FIRST_STAGE:
#     /EFI/BOOT/BOOTX64.EFI        GRUB (bare Bochs: the reference run)
#   with FIRST_STAGE (e.g. build/matryoshka.efi):
#     /EFI/BOOT/BOOTX64.EFI        FIRST_STAGE
#     /EFI/BOOT/grubx64.efi        GRUB
#     /EFI/BOOT/matryoshka.cfg     log=info, next=/EFI/BOOT/grubx64.efi
#
# The initramfs also holds /lib/modules/mkhc.ko, built here from mkhc.c
# against that exact kernel's headers; init.sh loads it after its checks,
# and it asks the hypervisor below (if any) to print its exit counters.
# Then init.sh loads irqbypass.ko, kvm.ko and kvm-intel.ko (from the kernel
# package) and runs /bin/kvmtest (kvmtest.c, built static with the host
# gcc), which runs a tiny real-mode guest through /dev/kvm; with mk_bench
# on the kernel command line also /bin/kvmbench (kvmbench.c, make bench).
#
# The Debian packages (the kernel package that linux-image-cloud-amd64
# depends on, grub-efi-amd64-bin, busybox-static, and that kernel's
# linux-headers-*, linux-headers-*-common, linux-kbuild-*) are fetched with
# `apt-get download` on the first run and kept, with their extracted files,
# in build/linux/cache: later runs are offline. `rm -rf build/linux/cache`
# fetches them again (e.g. after a kernel update). mkhc.ko is kept in
# build/linux/mkhc and rebuilt only when mkhc.c, the kernel or the compiler
# changes. Host tools that are missing are installed with apt-get when
# running as root.
set -euo pipefail
PATH=$PATH:/usr/sbin:/sbin

usage() {
	echo "usage: $0 OUT.img [FIRST_STAGE.efi]" >&2
	exit 2
}
if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
out=$(realpath -m "$1")
# The old image goes first: a build that fails must leave none to boot.
rm -f "$out"
first=""
if [ $# -eq 2 ]; then
	first=$(realpath "$2")
	[ -f "$first" ] || { echo "build-image.sh: no such file: $2" >&2; exit 1; }
fi

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=$top/build/linux/cache
log() { echo "build-image.sh: $*" >&2; }

# ---- host tools --------------------------------------------------------
# command -> Debian package providing it
need_tools() {
	local missing=() pair
	for pair in grub-mkstandalone:grub-common cpio:cpio mcopy:mtools \
		mkfs.vfat:dosfstools sgdisk:gdisk gcc:gcc strip:binutils \
		gzip:gzip dpkg-deb:dpkg apt-get:apt make:make gcc-12:gcc-12; do
		command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
	done
	[ -e /usr/lib/x86_64-linux-gnu/libc.a ] || missing+=(libc6-dev)
	# run by linux-kbuild's modpost and objtool
	[ -e /usr/lib/x86_64-linux-gnu/libelf.so.1 ] || missing+=(libelf1)
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		log "missing packages (run as root to install them): ${missing[*]}"
		exit 1
	fi
	log "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		"${missing[@]}" >/dev/null || {
		apt-get update >/dev/null
		DEBIAN_FRONTEND=noninteractive apt-get install -y \
			--no-install-recommends "${missing[@]}" >/dev/null
	}
}
need_tools

# ---- Debian packages, cached -------------------------------------------
kernel_package() { # the real package behind linux-image-cloud-amd64
	apt-cache depends linux-image-cloud-amd64 2>/dev/null |
		awk '$1 ~ /Depends:$/ && $2 ~ /^linux-image-/ { print $2; exit }'
}

fetch_packages() {
	local kpkg deb
	kpkg=$(kernel_package)
	if [ -z "$kpkg" ]; then
		log "apt-cache knows no linux-image-cloud-amd64: apt-get update"
		apt-get update >/dev/null
		kpkg=$(kernel_package)
	fi
	[ -n "$kpkg" ] || { log "cannot resolve linux-image-cloud-amd64"; exit 1; }
	rm -rf "$cache"
	mkdir -p "$cache/debs" "$cache/root"
	log "downloading $kpkg grub-efi-amd64-bin busybox-static"
	# _apt must be able to write here, or apt warns that it runs unsandboxed
	chmod 777 "$cache/debs"
	(cd "$cache/debs" && apt-get download -q "$kpkg" grub-efi-amd64-bin busybox-static >/dev/null)
	for deb in "$cache"/debs/*.deb; do
		dpkg-deb -x "$deb" "$cache/root"
	done
	echo "$kpkg grub-efi-amd64-bin busybox-static" >"$cache/packages"
}
[ -s "$cache/packages" ] || fetch_packages
root=$cache/root

vmlinuz=$(find "$root/boot" -name "vmlinuz-*" 2>/dev/null | head -n 1)
[ -n "$vmlinuz" ] || { log "no kernel in $root/boot (rm -rf $cache and retry)"; exit 1; }
kver=${vmlinuz##*/vmlinuz-}
grubdir=$root/usr/lib/grub/x86_64-efi
busybox=$root/bin/busybox
if [ ! -d "$grubdir" ] || [ ! -x "$busybox" ]; then
	log "incomplete cache: rm -rf $cache"
	exit 1
fi

# ---- kernel headers, cached --------------------------------------------
# linux-headers-$kver, the -common package and linux-kbuild it depends on,
# all of the kernel package's exact version. They go into the same root as
# the rest: their scripts/ and tools/ symlinks are relative
# (../../lib/linux-kbuild-6.1/...) and so work there as they are.
fetch_headers() {
	local kdeb kver_deb hpkg deps common kbuild deb
	kdeb=$(find "$cache/debs" -name "linux-image-${kver}_*.deb" | head -n 1)
	[ -n "$kdeb" ] || { log "no linux-image-$kver .deb in $cache/debs (rm -rf $cache)"; exit 1; }
	kver_deb=$(dpkg-deb -f "$kdeb" Version)
	hpkg=linux-headers-$kver
	deps=$(apt-cache show "$hpkg=$kver_deb" 2>/dev/null | sed -n 's/^Depends: //p' | head -n 1)
	if [ -z "$deps" ]; then
		apt-get update >/dev/null
		deps=$(apt-cache show "$hpkg=$kver_deb" 2>/dev/null | sed -n 's/^Depends: //p' | head -n 1)
	fi
	if [ -z "$deps" ]; then
		log "apt knows no $hpkg $kver_deb (kernel updated?): rm -rf $cache"
		exit 1
	fi
	common=$(tr ',' '\n' <<<"$deps" | awk '$1 ~ /^linux-headers-.*-common$/ { print $1; exit }')
	kbuild=$(tr ',' '\n' <<<"$deps" | awk '$1 ~ /^linux-kbuild-/ { print $1; exit }')
	if [ -z "$common" ] || [ -z "$kbuild" ]; then
		log "cannot resolve the dependencies of $hpkg: $deps"
		exit 1
	fi
	rm -rf "$cache/hdebs"
	mkdir -p "$cache/hdebs"
	chmod 777 "$cache/hdebs"
	log "downloading $hpkg $common $kbuild ($kver_deb)"
	(cd "$cache/hdebs" && apt-get download -q "$hpkg=$kver_deb" \
		"$common=$kver_deb" "$kbuild=$kver_deb" >/dev/null)
	for deb in "$cache"/hdebs/*.deb; do
		dpkg-deb -x "$deb" "$root"
	done
	echo "$hpkg $common $kbuild $kver_deb" >"$cache/headers"
}
[ -s "$cache/headers" ] || fetch_headers
kheaders=$root/usr/src/linux-headers-$kver
[ -f "$kheaders/Makefile" ] || { log "no $kheaders/Makefile (rm -rf $cache and retry)"; exit 1; }

mkdir -p "$top/build/linux"
work=$(mktemp -d "$top/build/linux/work.XXXXXX")
trap 'rm -rf "$work"' EXIT

# ---- mkhc.ko -----------------------------------------------------------
# mkhc.c is GPL-2.0 and so does not include core/hypercall.h (Apache-2.0):
# it repeats the ABI values it uses. Check they still match the header.
mkhc_value() { sed -n "s/^#define $1[[:space:]]\{1,\}//p" "$2"; }
abi_ok() {
	local pair
	{
		echo "#include \"$top/core/hypercall.h\""
		for pair in HC_PRINT_COUNTERS:MKHC_PRINT_COUNTERS HC_VCPU_EXITS:MKHC_VCPU_EXITS \
			HC_OK:MKHC_OK HV_CPUID_LEAF:MKHC_CPUID_LEAF; do
			echo "_Static_assert(${pair%%:*} == $(mkhc_value "${pair#*:}" "$here/mkhc.c"), \"${pair#*:}\");"
		done
	} | gcc -fsyntax-only -x c - &&
		[ "$(mkhc_value MKHC_SIGNATURE "$here/mkhc.c")" = \
			"$(mkhc_value HV_SIGNATURE "$top/core/hypercall.h")" ]
}
if ! abi_ok; then
	log "tests/linux/mkhc.c and core/hypercall.h disagree on the hypercall ABI"
	exit 1
fi

# Built out of tree against the extracted headers with the compiler the
# kernel was built with (the headers' CC is gcc-12). Rebuilt only when the
# stamp (source, Kbuild, kernel, headers, compiler) changes. The headers'
# Makefile includes the -common one by its absolute /usr/src path: point it
# at the cache (again before each build, so a moved checkout still builds).
mkhc=$top/build/linux/mkhc
mkhc_kbuild='obj-m := mkhc.o
ccflags-y := -Werror'
stamp=$( (cat "$here/mkhc.c" "$cache/headers"; echo "$mkhc_kbuild"; gcc-12 --version) |
	sha256sum | cut -d' ' -f1)
if [ ! -f "$mkhc/mkhc.ko" ] || [ "$(cat "$mkhc/stamp" 2>/dev/null)" != "$stamp" ]; then
	sed -i "1s|^include .*/usr/src/|include $root/usr/src/|" "$kheaders/Makefile"
	rm -rf "$mkhc"
	mkdir -p "$mkhc"
	cp "$here/mkhc.c" "$mkhc/mkhc.c"
	echo "$mkhc_kbuild" >"$mkhc/Kbuild"
	if ! make -C "$kheaders" M="$mkhc" modules >"$mkhc/build.log" 2>&1; then
		cat "$mkhc/build.log" >&2
		log "building mkhc.ko failed"
		exit 1
	fi
	strip --strip-debug "$mkhc/mkhc.ko"
	echo "$stamp" >"$mkhc/stamp"
	log "built mkhc.ko for $kver"
fi

# ---- initramfs ---------------------------------------------------------
ird=$work/initramfs
mkdir -p "$ird"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,lib/modules}
cp "$busybox" "$ird/bin/busybox"
for app in $("$busybox" --list-full); do
	[ -e "$ird/$app" ] || ln -s /bin/busybox "$ird/$app"
done
install -m 0755 "$here/init.sh" "$ird/init"
gcc -static -Os -Wall -Wextra -Werror -o "$ird/sbin/bochs-poweroff" "$here/bochs-poweroff.c"
strip "$ird/sbin/bochs-poweroff"
gcc -static -O2 -Wall -Wextra -Werror -o "$ird/bin/kvmtest" "$here/kvmtest.c"
strip "$ird/bin/kvmtest"
# kvmbench (run by init.sh with mk_bench on the kernel command line): the
# per-exit cost of a KVM guest for make bench (tests/system/bench-kvm.sh).
gcc -static -O2 -Wall -Wextra -Werror -o "$ird/bin/kvmbench" "$here/kvmbench.c"
strip "$ird/bin/kvmbench"
# kvmnstate (run by init.sh with mk_nstate on the kernel command line): the
# nested-state format against real KVM, with Matryoshka's pure format code.
repo=$(cd "$here/../.." && pwd)
(cd "$repo" && gcc -static -O2 -Wall -Wextra -Werror -I. -o "$ird/bin/kvmnstate" \
	tests/linux/kvmnstate.c nested/nstate.c nested/checks.c nested/checks_guest.c \
	nested/checks_seg.c nested/check_parts.c nested/vmcs12.c nested/ept12.c lib/log.c lib/fmt.c \
	lib/base64.c)
strip "$ird/bin/kvmnstate"
# NSTATE_L0_BLOB=FILE: a raw guest-mode blob a running Matryoshka printed
# (tools/nstate raw), which kvmnstate hands to KVM_SET_NESTED_STATE.
if [ -n "${NSTATE_L0_BLOB-}" ]; then
	cp "$NSTATE_L0_BLOB" "$ird/nstate-l0.bin"
fi
# The kernel opens /dev/console for /init before devtmpfs is mounted.
if [ "$(id -u)" -eq 0 ]; then
	mknod -m 0600 "$ird/dev/console" c 5 1
fi

install -m 0644 "$mkhc/mkhc.ko" "$ird/lib/modules/mkhc.ko"

# The KVM modules kvmtest needs, loaded by init.sh. strip drops the
# appended signature along with the debug sections: less to read and load.
for mod in irqbypass kvm kvm-intel; do
	src=$(find "$root/lib/modules/$kver" -name "$mod.ko*" | head -n 1)
	[ -n "$src" ] || { log "module $mod not found in $kver"; exit 1; }
	case $src in
	*.xz) xz -dc "$src" >"$ird/lib/modules/$mod.ko" ;;
	*.zst) zstd -qdc "$src" >"$ird/lib/modules/$mod.ko" ;;
	*.gz) gzip -dc "$src" >"$ird/lib/modules/$mod.ko" ;;
	*) cp "$src" "$ird/lib/modules/$mod.ko" ;;
	esac
	strip --strip-debug "$ird/lib/modules/$mod.ko"
done

# Fixed mtimes (the kernel keeps them) and gzip -n: the same inputs give
# the same initrd.img. Level 6, not 9: a sixth of the time (about 0.6 s
# instead of 3.5 s here) for an image under 1% larger.
find "$ird" -exec touch -h -d @0 {} +
(cd "$ird" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --reproducible --quiet) | gzip -6n >"$work/initrd.img"

# ---- GRUB --------------------------------------------------------------
# Only the modules the config needs, no video driver: GRUB says "no suitable
# video mode found, booting in blind mode" and Linux gets no framebuffer
# console, which would be slow to draw in Bochs; the console is ttyS0.
kargs="console=ttyS0,115200 rdinit=/init cryptomgr.notests loglevel=6${KERNEL_ARGS_EXTRA:+ $KERNEL_ARGS_EXTRA}"
cat >"$work/grub.cfg" <<EOF
set timeout=0
set default=0
search --no-floppy --file /vmlinuz --set=root
menuentry "Debian cloud kernel, busybox initramfs" {
	echo "grub: loading /vmlinuz and /initrd.img from \$root"
	linux /vmlinuz $kargs
	initrd /initrd.img
}
EOF
mods="part_gpt fat search search_fs_file linux normal echo"
grub-mkstandalone -O x86_64-efi -d "$grubdir" -o "$work/grubx64.efi" \
	--modules="$mods" --install-modules="$mods" \
	--locales= --fonts= --themes= \
	"boot/grub/grub.cfg=$work/grub.cfg"

# ---- disk image --------------------------------------------------------
extra=("$vmlinuz=/vmlinuz" "$work/initrd.img=/initrd.img")
if [ -z "$first" ]; then
	efi=$work/grubx64.efi cfg=""
else
	efi=$first cfg=$work/matryoshka.cfg
	printf 'log=info\nnext=/EFI/BOOT/grubx64.efi\n%b' "${MK_CFG_EXTRA-}" >"$cfg"
	extra+=("$work/grubx64.efi=/EFI/BOOT/grubx64.efi")
fi
mkdir -p "$(dirname "$out")"
"$top/tests/system/mkimage.sh" "$out" "$efi" "$cfg" "${extra[@]}" >/dev/null
log "built $out: kernel $kver ($(du -k "$vmlinuz" | cut -f1) KiB)," \
	"initramfs $(du -k "$work/initrd.img" | cut -f1) KiB," \
	"GRUB $(du -k "$work/grubx64.efi" | cut -f1) KiB${first:+, first stage $first}"
