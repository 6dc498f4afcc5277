// SPDX-License-Identifier: Apache-2.0
/*
 * selftest=iommu's attack (docs/testing.md, t-iommu.sh): the firmware's own
 * disk driver (EFI Block I/O over QEMU's AHCI, which DMAs) is asked to read
 * sectors into L0's region and to write sectors from it. With the core's
 * VT-d tables both DMAs must be blocked: L0's canary unchanged, none of its
 * bytes on the disk, the fault recorded by the unit, while ordinary DMA
 * keeps working; and the ACPI DMAR table must be gone. In this test mode
 * there is no VMX (QEMU TCG), so the payload reads L0's memory and the
 * unit's registers directly: nothing but the IOMMU stands between the disk
 * and L0 here.
 */
#include <efi.h>
#include <efilib.h>

#include "boot/selftest_iommu.h"
#include "drivers/acpi.h"
#include "drivers/vtd.h"
#include "tests/guests/guestlib.h"

/* The scratch disk t-iommu.sh builds: sector 0 starts with this, sector s >= 1
 * is all (0x40 + s). */
static const char scratch_sig[] = "MKDMASCRATCH";
#define SECTOR	512u
#define LBA_IN	1     /* read into L0's region from here */
#define LBA_OUT 16    /* written from L0's region here */
#define SPAN	4096u /* bytes per transfer: 8 sectors */

static uint8_t buf[SPAN] __attribute__((aligned(4096)));

static struct selftest_iommu *handover(void)
{
	static EFI_GUID guid = SELFTEST_IOMMU_GUID;
	struct selftest_iommu *s = NULL;

	if (EFI_ERROR(LibGetSystemConfigurationTable(&guid, (void **)&s)) ||
	    !s || s->magic != SELFTEST_IOMMU_MAGIC)
		return NULL;
	return s;
}

static bool canary_intact(const struct selftest_iommu *s, uint32_t *first_bad)
{
	const volatile uint8_t *c = (const void *)(UINTN)s->canary_pa;

	for (uint32_t i = 0; i < SELFTEST_CANARY_SIZE; i++)
		if (c[i] != selftest_canary_byte(i)) {
			*first_bad = i;
			return false;
		}
	return true;
}

static bool is_scratch(EFI_BLOCK_IO *b)
{
	if (!b->Media->MediaPresent || b->Media->LogicalPartition ||
	    b->Media->BlockSize != SECTOR ||
	    EFI_ERROR(b->ReadBlocks(b, b->Media->MediaId, 0, SECTOR, buf)))
		return false;
	for (unsigned i = 0; i < sizeof(scratch_sig) - 1; i++)
		if (buf[i] != (uint8_t)scratch_sig[i])
			return false;
	return true;
}

static EFI_BLOCK_IO *find_scratch(void)
{
	EFI_HANDLE *h;
	UINTN n;
	EFI_BLOCK_IO *found = NULL;

	if (EFI_ERROR(
		LibLocateHandle(ByProtocol, &BlockIoProtocol, NULL, &n, &h)))
		return NULL;
	for (UINTN i = 0; i < n && !found; i++) {
		EFI_BLOCK_IO *b;

		if (!EFI_ERROR(BS->HandleProtocol(h[i], &BlockIoProtocol,
						  (void **)&b)) &&
		    is_scratch(b))
			found = b;
	}
	FreePool(h);
	return found;
}

/* Sector s of the scratch disk as built (and as this test rewrites it). */
static bool sectors_are(const uint8_t *p, uint32_t lba, uint32_t bytes,
			uint8_t fill_or_0)
{
	for (uint32_t i = 0; i < bytes; i++) {
		uint8_t want =
		    fill_or_0 ? fill_or_0 : (uint8_t)(0x40 + lba + i / SECTOR);

		if (p[i] != want)
			return false;
	}
	return true;
}

/* Bytes of p equal to the canary's bytes from off on (chance: about 1 in 256).
 */
static uint32_t canary_matches(const uint8_t *p, uint32_t off, uint32_t bytes)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < bytes; i++)
		n += p[i] == selftest_canary_byte(off + i);
	return n;
}

static void attack_in(const struct selftest_iommu *s, EFI_BLOCK_IO *b)
{
	uint32_t bad = 0;
	EFI_STATUS st = b->ReadBlocks(b, b->Media->MediaId, LBA_IN, SPAN,
				      (void *)(UINTN)s->canary_pa);

	check("dma-into-l0-blocked", canary_intact(s, &bad),
	      "ReadBlocks(LBA %u, %u bytes) into L0's 0x%lx returned 0x%lx; "
	      "canary %s (first changed byte %u)",
	      LBA_IN, SPAN, s->canary_pa, (uint64_t)st,
	      canary_intact(s, &bad) ? "unchanged" : "CHANGED", bad);
}

static void attack_out(const struct selftest_iommu *s, EFI_BLOCK_IO *b)
{
	UINT32 id = b->Media->MediaId;
	EFI_STATUS st;

	for (uint32_t i = 0; i < SPAN; i++)
		buf[i] = 0x77;
	st = b->WriteBlocks(b, id, LBA_OUT, SPAN, buf);
	check("normal-write", !EFI_ERROR(st),
	      "WriteBlocks(LBA %u) from an ordinary buffer: 0x%lx", LBA_OUT,
	      (uint64_t)st);
	/* the canary's second page: the first one may have been hit by
	 * attack_in */
	uint64_t src = s->canary_pa + SPAN;
	uint32_t src_ok = canary_matches((const void *)(UINTN)src, SPAN, SPAN);

	st = b->WriteBlocks(b, id, LBA_OUT, SPAN, (void *)(UINTN)src);
	guest_printf("dmaattack: WriteBlocks(LBA %u, %u bytes) from L0's 0x%lx "
		     "(%u of %u bytes canary) returned 0x%lx\n",
		     LBA_OUT, SPAN, src, src_ok, SPAN, (uint64_t)st);
	for (uint32_t i = 0; i < SPAN; i++)
		buf[i] = 0;
	st = b->ReadBlocks(b, id, LBA_OUT, SPAN, buf);
	uint32_t m = canary_matches(buf, SPAN, SPAN);

	check("dma-from-l0-blocked", src_ok == SPAN && !EFI_ERROR(st) && m < 64,
	      "sectors read back (0x%lx): %u of %u bytes equal L0's canary; "
	      "they hold %s (first bytes %02x %02x %02x %02x)",
	      (uint64_t)st, m, SPAN,
	      sectors_are(buf, LBA_OUT, SPAN, 0x77) ? "the 0x77 written before"
						    : "other data",
	      buf[0], buf[1], buf[2], buf[3]);
}

static void normal_dma(EFI_BLOCK_IO *b, const char *name)
{
	for (uint32_t i = 0; i < SPAN; i++)
		buf[i] = 0;
	EFI_STATUS st = b->ReadBlocks(b, b->Media->MediaId, LBA_IN, SPAN, buf);

	check(name, !EFI_ERROR(st) && sectors_are(buf, LBA_IN, SPAN, 0),
	      "ReadBlocks(LBA %u) into an ordinary buffer: 0x%lx, data %s",
	      LBA_IN, (uint64_t)st,
	      sectors_are(buf, LBA_IN, SPAN, 0) ? "right" : "WRONG");
}

/*
 * The unit's fault records (VT-d 10.4.14): a blocked DMA of the wanted
 * direction (a device write = our ReadBlocks) at L0's region must be there.
 * The records are cleared after, so the next attack is seen on its own
 * (QEMU collapses faults of one source while one is pending).
 */
static void fault_recorded(const struct selftest_iommu *s, const char *name,
			   bool want_read)
{
	volatile uint8_t *r = (void *)(UINTN)s->unit_pa[0];
	uint64_t cap = *(volatile uint64_t *)(r + VTD_CAP);
	uint32_t fsts = *(volatile uint32_t *)(r + VTD_FSTS);
	unsigned hits = 0, total = 0;

	for (unsigned i = 0; i < VTD_CAP_NFR(cap); i++) {
		volatile uint64_t *f = (void *)(r + VTD_CAP_FRO(cap) + 16 * i);
		uint64_t lo = f[0], hi = f[1];
		bool read = hi & VTD_FRCD_T;

		if (!(hi & VTD_FRCD_F))
			continue;
		total++;
		hits += read == want_read && lo >= s->region_pa &&
			lo < s->region_pa + s->region_size;
		guest_printf("dmaattack: fault record %u: %s of 0x%lx by "
			     "source %02x:%02x.%x, reason 0x%x\n",
			     i, read ? "read" : "write", lo & ~(uint64_t)0xfff,
			     VTD_FRCD_SID(hi) >> 8,
			     (VTD_FRCD_SID(hi) >> 3) & 0x1f,
			     VTD_FRCD_SID(hi) & 7, VTD_FRCD_FR(hi));
		((volatile uint32_t *)f)[3] = (uint32_t)(VTD_FRCD_F >> 32);
	}
	check(name, (fsts & VTD_FSTS_PPF) && hits,
	      "FSTS 0x%x, %u fault record(s), %u a DMA %s at L0's region", fsts,
	      total, hits, want_read ? "read" : "write");
}

static const void *ident(void *arg, uint64_t pa, uint64_t len)
{
	(void)arg;
	(void)len;
	return pa ? (const void *)(UINTN)pa : NULL;
}

/* The ACPI tables as L1 sees them, walked from the EFI configuration table. */
static void dmar_hidden(void)
{
	static EFI_GUID acpi20 = ACPI_20_TABLE_GUID;
	struct acpi_mem m = {ident, 0};
	void *rsdp = NULL;
	uint64_t pa = 0;
	uint32_t len = 0;
	char err[128] = "";

	if (EFI_ERROR(LibGetSystemConfigurationTable(&acpi20, &rsdp)) ||
	    !rsdp) {
		check("dmar-hidden", false,
		      "no ACPI 2.0 RSDP in the EFI configuration table");
		return;
	}
	enum acpi_find d = acpi_find_table(&m, (UINTN)rsdp, "DMAR", &pa, &len,
					   err, sizeof(err));
	enum acpi_find x = acpi_find_table(&m, (UINTN)rsdp, "XMAR", &pa, &len,
					   err, sizeof(err));

	check("dmar-hidden", d == ACPI_NOT_FOUND && x == ACPI_FOUND,
	      "DMAR %s, XMAR %s (%u bytes, checksum good) %s",
	      d == ACPI_NOT_FOUND ? "absent" : "PRESENT",
	      x == ACPI_FOUND ? "present" : "absent", len, err);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	InitializeLib(image, systab);
	guest_init("dmaattack");
	const struct selftest_iommu *s = handover();
	uint32_t bad = 0;

	if (!check("handover", s,
		   "selftest=iommu configuration table from the loader"))
		guest_finish();
	uint32_t gsts =
	    s->nunits
		? *(const volatile uint32_t *)(UINTN)(s->unit_pa[0] + VTD_GSTS)
		: 0;

	check("translation-on",
	      s->programmed && s->programmed == s->nunits && (gsts & VTD_GS_TE),
	      "%u of %u unit(s) programmed, unit 0 GSTS 0x%x", s->programmed,
	      s->nunits, gsts);
	check("canary-before", canary_intact(s, &bad),
	      "L0's canary at 0x%lx (first bad byte %u)", s->canary_pa, bad);
	EFI_BLOCK_IO *b = find_scratch();

	if (!check("scratch-disk", b,
		   "a Block I/O device whose sector 0 says %s", scratch_sig))
		guest_finish();
	normal_dma(b, "normal-read-before");
	attack_in(s, b);
	fault_recorded(s, "fault-recorded-write", false);
	attack_out(s, b);
	fault_recorded(s, "fault-recorded-read", true);
	normal_dma(b, "normal-read-after");
	dmar_hidden();
	guest_finish();
}
