/* SPDX-License-Identifier: Apache-2.0 */
#include "boot/config.h"

#include <efilib.h>

#include "lib/fmt.h"
#include "lib/string.h"

static void ascii_of(char *out, UINTN n, const CHAR16 *w)
{
	UINTN i = 0;

	for (; w[i] && i + 1 < n; i++)
		out[i] = w[i] < 0x80 ? (char)w[i] : '?';
	out[i] = 0;
}

/* The loader's path is the file-path nodes of its device path, joined. */
static void loader_dir(const EFI_DEVICE_PATH *dp, CHAR16 *dir, UINTN n)
{
	UINTN len = 0, cut = 0;

	for (; !IsDevicePathEnd(dp); dp = NextDevicePathNode(dp)) {
		if (DevicePathType(dp) != MEDIA_DEVICE_PATH ||
		    DevicePathSubType(dp) != MEDIA_FILEPATH_DP)
			continue;
		const CHAR16 *p = ((const FILEPATH_DEVICE_PATH *)dp)->PathName;

		for (; *p && len + 1 < n; p++)
			dir[len++] = *p == L'/' ? L'\\' : *p;
	}
	for (UINTN i = 0; i < len; i++)
		if (dir[i] == L'\\')
			cut = i + 1;
	if (!cut)
		dir[cut++] = L'\\';
	dir[cut] = 0;
}

static BOOLEAN pxe_usable(EFI_PXE_BASE_CODE_PROTOCOL *p)
{
	return p->Mode->Started && !p->Mode->UsingIpv6 &&
	       (p->Mode->DhcpAckReceived || p->Mode->ProxyOfferReceived);
}

/* PXE base code sits on the NIC, not on the child handle we were loaded from: search. */
static EFI_STATUS open_pxe(struct medium *m)
{
	EFI_HANDLE *hs;
	UINTN n;
	EFI_STATUS st = LibLocateHandle(ByProtocol, &PxeBaseCodeProtocol, NULL,
					&n, &hs);

	if (EFI_ERROR(st))
		return st;
	for (UINTN i = 0; i < n && !m->pxe; i++) {
		EFI_PXE_BASE_CODE_PROTOCOL *p;

		if (!EFI_ERROR(BS->HandleProtocol(hs[i], &PxeBaseCodeProtocol,
						  (void **)&p)) &&
		    pxe_usable(p))
			m->pxe = p;
	}
	FreePool(hs);
	if (!m->pxe)
		return EFI_NOT_FOUND;

	EFI_PXE_BASE_CODE_MODE *mode = ((EFI_PXE_BASE_CODE_PROTOCOL *)m->pxe)->Mode;
	EFI_PXE_BASE_CODE_DHCPV4_PACKET *pkt = &mode->DhcpAck.Dhcpv4;

	if (mode->ProxyOfferReceived && mode->ProxyOffer.Dhcpv4.BootpSiAddr[0])
		pkt = &mode->ProxyOffer.Dhcpv4;
	memset(&m->server, 0, sizeof(m->server));
	memcpy(&m->server.v4, pkt->BootpSiAddr, 4);

	UINTN cut = 0;

	for (UINTN i = 0; i < sizeof(pkt->BootpBootFile) && pkt->BootpBootFile[i] &&
			  i + 1 < sizeof(m->tftp_dir);
	     i++) {
		m->tftp_dir[i] = (char)pkt->BootpBootFile[i];
		if (m->tftp_dir[i] == '/')
			cut = i + 1;
	}
	m->tftp_dir[cut] = 0;
	fmt_snprintf(m->name, sizeof(m->name), "tftp://%u.%u.%u.%u/%s",
		     pkt->BootpSiAddr[0], pkt->BootpSiAddr[1], pkt->BootpSiAddr[2],
		     pkt->BootpSiAddr[3], m->tftp_dir);
	return EFI_SUCCESS;
}

EFI_STATUS medium_open(EFI_HANDLE image, struct medium *m, char *err,
		       UINTN errlen)
{
	EFI_LOADED_IMAGE *li;
	void *fs;
	EFI_STATUS st = BS->HandleProtocol(image, &LoadedImageProtocol,
					   (void **)&li);

	memset(m, 0, sizeof(*m));
	m->image = image;
	if (EFI_ERROR(st)) {
		fmt_snprintf(err, errlen, "no loaded-image protocol (status 0x%lx)",
			     (uint64_t)st);
		return st;
	}
	m->device = li->DeviceHandle;
	if (!EFI_ERROR(BS->HandleProtocol(m->device, &FileSystemProtocol, &fs))) {
		char dir[128];

		loader_dir(li->FilePath, m->dir, sizeof(m->dir) / sizeof(m->dir[0]));
		ascii_of(dir, sizeof(dir), m->dir);
		fmt_snprintf(m->name, sizeof(m->name), "file system, directory %s",
			     dir);
		return EFI_SUCCESS;
	}
	st = open_pxe(m);
	if (EFI_ERROR(st))
		fmt_snprintf(err, errlen,
			     "the loader's device has no file system and no PXE session (status 0x%lx)",
			     (uint64_t)st);
	return st;
}

static BOOLEAN absolute(const char *name)
{
	return name[0] == '/' || name[0] == '\\';
}

static void fs_path(const struct medium *m, const char *name, CHAR16 *out,
		    UINTN n)
{
	UINTN len = 0;

	if (!absolute(name))
		for (const CHAR16 *d = m->dir; *d && len + 1 < n; d++)
			out[len++] = *d;
	for (; *name && len + 1 < n; name++)
		out[len++] = *name == '/' ? L'\\' : (CHAR16)*name;
	out[len] = 0;
}

static EFI_STATUS read_fs(const struct medium *m, const char *name, UINTN max,
			  char **buf, UINTN *len, char *err, UINTN errlen)
{
	CHAR16 path[384];
	EFI_FILE_HANDLE root = LibOpenRoot(m->device), f;
	EFI_STATUS st;

	if (!root) {
		fmt_snprintf(err, errlen, "cannot open the file system");
		return EFI_DEVICE_ERROR;
	}
	fs_path(m, name, path, sizeof(path) / sizeof(path[0]));
	st = root->Open(root, &f, path, EFI_FILE_MODE_READ, 0);
	root->Close(root);
	if (st == EFI_NOT_FOUND)
		return st;
	if (EFI_ERROR(st)) {
		fmt_snprintf(err, errlen, "cannot open %s (status 0x%lx)", name,
			     (uint64_t)st);
		return st;
	}
	EFI_FILE_INFO *info = LibFileInfo(f);
	UINT64 size = info ? info->FileSize : ~0ull;

	if (info)
		FreePool(info);
	if (size > max) {
		f->Close(f);
		fmt_snprintf(err, errlen, "%s is larger than %lu bytes", name, max);
		return EFI_BAD_BUFFER_SIZE;
	}
	*buf = AllocatePool(size + 1);
	*len = size;
	st = *buf ? f->Read(f, len, *buf) : EFI_OUT_OF_RESOURCES;
	f->Close(f);
	if (EFI_ERROR(st)) {
		fmt_snprintf(err, errlen, "cannot read %s (status 0x%lx)", name,
			     (uint64_t)st);
		if (*buf)
			FreePool(*buf);
		return st;
	}
	(*buf)[*len] = 0;
	return EFI_SUCCESS;
}

static EFI_STATUS read_tftp(const struct medium *m, const char *name,
			    UINTN max, char **buf, UINTN *len, char *err,
			    UINTN errlen)
{
	EFI_PXE_BASE_CODE_PROTOCOL *p = m->pxe;
	char file[320];
	EFI_IP_ADDRESS server = m->server;
	UINT64 size = max;

	fmt_snprintf(file, sizeof(file), "%s%s", absolute(name) ? "" : m->tftp_dir,
		     absolute(name) ? name + 1 : name);
	*buf = AllocatePool(max + 1);
	if (!*buf)
		return EFI_OUT_OF_RESOURCES;
	EFI_STATUS st = p->Mtftp(p, EFI_PXE_BASE_CODE_TFTP_READ_FILE, *buf, FALSE,
				 &size, NULL, &server, (UINT8 *)file, NULL, FALSE);

	if (EFI_ERROR(st)) {
		FreePool(*buf);
		/* TFTP error 1 is "file not found" (RFC 1350) */
		if (st == EFI_TFTP_ERROR && p->Mode->TftpErrorReceived &&
		    p->Mode->TftpError.ErrorCode == 1)
			return EFI_NOT_FOUND;
		fmt_snprintf(err, errlen, "TFTP read of %s failed (status 0x%lx)%s",
			     file, (uint64_t)st,
			     st == EFI_BUFFER_TOO_SMALL ? ": file too large" : "");
		return st;
	}
	*len = size;
	(*buf)[size] = 0;
	return EFI_SUCCESS;
}

EFI_STATUS medium_read(const struct medium *m, const char *name, UINTN max,
		       char **buf, UINTN *len, char *err, UINTN errlen)
{
	return m->pxe ? read_tftp(m, name, max, buf, len, err, errlen)
		      : read_fs(m, name, max, buf, len, err, errlen);
}

EFI_DEVICE_PATH *medium_file_path(const struct medium *m, const char *name)
{
	CHAR16 path[384];

	if (m->pxe)
		return NULL;
	fs_path(m, name, path, sizeof(path) / sizeof(path[0]));
	return FileDevicePath(m->device, path);
}
