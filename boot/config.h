/* SPDX-License-Identifier: Apache-2.0 */
/* Files beside the loader: on its file system, or on its TFTP server after a PXE boot. */
#ifndef BOOT_CONFIG_H
#define BOOT_CONFIG_H

#include <efi.h>

#define CONFIG_NAME "matryoshka.cfg"
#define CONFIG_MAX (64 * 1024)

struct medium {
	EFI_HANDLE image;
	EFI_HANDLE device;       /* the loader's device (file system) */
	CHAR16 dir[256];         /* the loader's directory there, "\EFI\BOOT\" */
	void *pxe;               /* EFI_PXE_BASE_CODE_PROTOCOL if booted by PXE */
	EFI_IP_ADDRESS server;   /* TFTP server */
	char tftp_dir[128];      /* directory of the boot file on the server */
	char name[192];          /* how to say where the loader came from */
};

/* On failure err says why (the log is not open yet when this runs). */
EFI_STATUS medium_open(EFI_HANDLE image, struct medium *m, char *err,
		       UINTN errlen);

/*
 * Reads name (relative to the loader's directory unless it starts with '/'
 * or '\') into a pool buffer (NUL-terminated, *len without the NUL).
 * EFI_NOT_FOUND if there is no such file; other errors fill err. At most
 * max bytes.
 */
EFI_STATUS medium_read(const struct medium *m, const char *name, UINTN max,
		       char **buf, UINTN *len, char *err, UINTN errlen);

/* A device path for name on a file-system medium (for LoadImage), or NULL. */
EFI_DEVICE_PATH *medium_file_path(const struct medium *m, const char *name);

#endif
