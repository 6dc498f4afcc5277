/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A payload's own options: a small text file next to the payload's image
 * on the medium it was loaded from (the system tests put it there with
 * mkimage.sh's SRC=DEST pairs). tests/guests/guestfile.h.
 */
#include <efi.h>
#include <efilib.h>

#include "tests/guests/guestfile.h"

/* The directory part of the image's file path, '\'-separated, with a
 * trailing '\'; returns its length in path (0 on failure). */
static UINTN image_dir(EFI_LOADED_IMAGE *li, CHAR16 *path, UINTN max)
{
	UINTN len = 0, cut = 0;

	for (EFI_DEVICE_PATH *dp = li->FilePath; dp && !IsDevicePathEnd(dp);
	     dp = NextDevicePathNode(dp)) {
		if (DevicePathType(dp) != MEDIA_DEVICE_PATH ||
		    DevicePathSubType(dp) != MEDIA_FILEPATH_DP)
			continue;
		for (const CHAR16 *p = ((FILEPATH_DEVICE_PATH *)dp)->PathName;
		     *p && len + 1 < max; p++)
			path[len++] = *p == L'/' ? L'\\' : *p;
	}
	for (UINTN i = 0; i < len; i++)
		if (path[i] == L'\\')
			cut = i + 1;
	if (!cut)
		path[cut++] = L'\\';
	return cut;
}

EFI_FILE_HANDLE guest_open_file(EFI_HANDLE image, const char *name,
				EFI_STATUS *status)
{
	EFI_LOADED_IMAGE *li;
	CHAR16 path[256];
	EFI_FILE_HANDLE root, f;
	UINTN cut;

	*status = BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(*status))
		return NULL;
	cut = image_dir(li, path, sizeof(path) / sizeof(path[0]) - 64);
	for (; *name && cut + 1 < sizeof(path) / sizeof(path[0]); name++)
		path[cut++] = (CHAR16)*name;
	path[cut] = 0;
	root = LibOpenRoot(li->DeviceHandle);
	if (!root) {
		*status = EFI_DEVICE_ERROR;
		return NULL;
	}
	*status = root->Open(root, &f, path, EFI_FILE_MODE_READ, 0);
	root->Close(root);
	return EFI_ERROR(*status) ? NULL : f;
}

long guest_read_file(EFI_HANDLE image, const char *name, char *buf, UINTN max)
{
	EFI_STATUS st;
	EFI_FILE_HANDLE f = guest_open_file(image, name, &st);
	UINTN got = max - 1;

	if (!f)
		return st == EFI_NOT_FOUND ? 0 : -1;
	st = f->Read(f, &got, buf);
	f->Close(f);
	if (EFI_ERROR(st))
		return -1;
	buf[got] = 0;
	return (long)got;
}
