/* SPDX-License-Identifier: Apache-2.0 */
/* A payload's options file, next to its image (tests/guests/guestfile.c). */
#ifndef TESTS_GUESTS_GUESTFILE_H
#define TESTS_GUESTS_GUESTFILE_H

#include <efi.h>

/*
 * Opens the file NAME in the directory the payload IMAGE was loaded from
 * for reading: the handle, or NULL with *status (EFI_NOT_FOUND and the
 * like: no such file; other errors as the firmware gave them).
 */
EFI_FILE_HANDLE guest_open_file(EFI_HANDLE image, const char *name,
				EFI_STATUS *status);

/*
 * Reads the file NAME from the directory the payload IMAGE was loaded from
 * into buf (at most max - 1 bytes, NUL-terminated). Returns the bytes read,
 * 0 if there is no such file (buf untouched), -1 on an error.
 */
long guest_read_file(EFI_HANDLE image, const char *name, char *buf, UINTN max);

#endif
