// SPDX-License-Identifier: Apache-2.0
/*
 * VT-d programming (VT-d spec rev 3.3). Legacy-mode root and context tables
 * (chapter 9), one domain for every bus/device/function of every unit, and
 * second-level tables of L0's own.
 *
 * Why not EPT01's tables: EPT01 maps L0's region to a scratch page (CPU
 * reads see 0xff, writes land there) and grows on demand at EPT
 * violations, which DMA never causes. A device must instead be blocked and
 * the attempt recorded as a fault, so the DMA tables simply leave L0's
 * region (and the units' registers) out; they are built once, identity,
 * read/write, and never change. The entry formats would allow sharing
 * (VT-d 9.8 second-level entries use EPT's R/W/PS bits), the policy does not.
 */
#include "drivers/iommu.h"

#include "arch/x86/cpu.h"
#include "boot/options.h"
#include "core/bootinfo.h"
#include "core/gevent.h"
#include "drivers/acpi.h"
#include "drivers/dmar.h"
#include "drivers/vtd.h"
#include "drivers/vtd_faults.h"
#include "drivers/vtd_tables.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/spinlock.h"
#include "mm/page_alloc.h"
#include "mm/pagetable.h"
#include "vmx/ept.h"

extern struct boot_info bootinfo;

/* Bounded polling of a status bit: about 0.1 s of MMIO reads on hardware. */
#define POLL_MAX 10000000u
/* Faults are polled on VM exits at most this often (TSC cycles, ~10 ms at 3
 * GHz). */
#define IOMMU_POLL_CYCLES (30ull << 20)

struct unit {
	uint64_t pa;
	uint64_t cap, ecap;
};

static struct unit units[DMAR_UNITS_MAX];
unsigned iommu_nunits; /* programmed units; 0 = DMA not protected */
static struct dmar_info dmar;
static struct spinlock fault_lock;
static uint64_t last_poll;

static volatile uint32_t *reg32(const struct unit *u, unsigned off)
{
	return (volatile uint32_t *)phys_to_virt(u->pa + off);
}

static volatile uint64_t *reg64(const struct unit *u, unsigned off)
{
	return (volatile uint64_t *)phys_to_virt(u->pa + off);
}

static const void *acpi_ptr(void *arg, uint64_t pa, uint64_t len)
{
	(void)arg;
	if (pa + len < pa || pa + len > bootinfo.phys_map_end)
		return NULL;
	return phys_to_virt(pa);
}

/* Waits until (reg & mask) == want; false after POLL_MAX reads. */
static bool poll32(const struct unit *u, unsigned off, uint32_t mask,
		   uint32_t want, const char *what)
{
	for (unsigned i = 0; i < POLL_MAX; i++) {
		if ((*reg32(u, off) & mask) == want)
			return true;
		__builtin_ia32_pause();
	}
	log_err("iommu: unit at 0x%lx: timed out waiting for %s", u->pa, what);
	return false;
}

static bool poll64(const struct unit *u, unsigned off, uint64_t bit,
		   const char *what)
{
	for (unsigned i = 0; i < POLL_MAX; i++) {
		if (!(*reg64(u, off) & bit))
			return true;
		__builtin_ia32_pause();
	}
	log_err("iommu: unit at 0x%lx: timed out waiting for %s", u->pa, what);
	return false;
}

/* 10.4.4: a one-shot or enable command, repeating the enables in force. */
static bool command(const struct unit *u, uint32_t set, uint32_t clear,
		    uint32_t mask, uint32_t want, const char *what)
{
	uint32_t keep = *reg32(u, VTD_GSTS) & VTD_GS_PERSISTENT;

	*reg32(u, VTD_GCMD) = (keep & ~clear) | set;
	return poll32(u, VTD_GSTS, mask, want, what);
}

static uint64_t pt_alloc(void *arg)
{
	(void)arg;
	return page_alloc();
}

static void *pt_virt(void *arg, uint64_t pa)
{
	(void)arg;
	return phys_to_virt(pa);
}

static const struct pt_ctx pool_ctx = {pt_alloc, pt_virt, 0, false, PT_EPT};

static void clear_faults(const struct unit *u)
{
	unsigned fro = VTD_CAP_FRO(u->cap);

	for (unsigned i = 0; i < VTD_CAP_NFR(u->cap); i++)
		*reg32(u, fro + 16 * i + 12) = (uint32_t)(VTD_FRCD_F >> 32);
	*reg32(u, VTD_FSTS) =
	    VTD_FSTS_PFO | 0x7c; /* every write-1-to-clear bit */
}

/* 6.5, 10.4: root pointer, write buffer, context and IOTLB flush, enable. */
static bool program(const struct unit *u, uint64_t root)
{
	unsigned iro = VTD_ECAP_IRO(u->ecap);

	if ((*reg32(u, VTD_GSTS) & VTD_GS_QIE) &&
	    !command(u, 0, VTD_GS_QIE, VTD_GS_QIE, 0,
		     "queued invalidation off"))
		return false;
	*reg32(u, VTD_FECTL) =
	    VTD_FECTL_IM; /* faults are polled, not signalled */
	clear_faults(u);
	*reg64(u, VTD_RTADDR) = root; /* TTM = 00: legacy mode */
	if (!command(u, VTD_GS_SRTP, 0, VTD_GS_SRTP, VTD_GS_SRTP,
		     "root table pointer"))
		return false;
	if ((u->cap & VTD_CAP_RWBF) &&
	    !command(u, VTD_GS_WBF, 0, VTD_GS_WBF, 0, "write-buffer flush"))
		return false;
	*reg64(u, VTD_CCMD) = VTD_CCMD_ICC | VTD_CCMD_GLOBAL;
	if (!poll64(u, VTD_CCMD, VTD_CCMD_ICC, "context-cache invalidation"))
		return false;
	*reg64(u, iro + 8) =
	    VTD_IOTLB_IVT | VTD_IOTLB_GLOBAL | VTD_IOTLB_DR | VTD_IOTLB_DW;
	if (!poll64(u, iro + 8, VTD_IOTLB_IVT, "IOTLB invalidation"))
		return false;
	if (!command(u, VTD_GS_TE, 0, VTD_GS_TE, VTD_GS_TE,
		     "translation enable"))
		return false;
	/*
	 * 10.4.16: protected memory regions a pre-boot firmware may have left
	 * on would block L1's DMA below/above them; translation protects L0
	 * now.
	 */
	if (!(u->cap & (VTD_CAP_PLMR | VTD_CAP_PHMR)) ||
	    !(*reg32(u, VTD_PMEN) & VTD_PMEN_PRS))
		return true;
	*reg32(u, VTD_PMEN) = 0;
	return poll32(u, VTD_PMEN, VTD_PMEN_PRS, 0, "protected memory off");
}

/* Reads the DMAR table; false (err set) if there is none or it is bad. */
static bool find_dmar(uint64_t *pa, uint32_t *len, char *err, size_t n)
{
	struct acpi_mem m = {acpi_ptr, 0};

	if (!bootinfo.rsdp_pa) {
		fmt_snprintf(err, n, "no ACPI tables");
		return false;
	}
	switch (
	    acpi_find_table(&m, bootinfo.rsdp_pa, "DMAR", pa, len, err, n)) {
	case ACPI_FOUND:
		break;
	case ACPI_NOT_FOUND:
		fmt_snprintf(err, n, "no ACPI DMAR table");
		return false;
	case ACPI_BAD:
		return false;
	}
	return dmar_parse(phys_to_virt(*pa), *len, &dmar, err, n);
}

/*
 * VT-d 8.3: a unit without INCLUDE_PCI_ALL translates only the devices in its
 * scopes. L0 gives every unit a context entry for every bus/devfn, but a
 * device no unit claims (not listed, hot-plugged) reaches memory untranslated
 * unless some unit of its segment has the flag.
 */
static void warn_scopes(void)
{
	for (unsigned i = 0; i < dmar.nunits; i++) {
		bool all = false;

		for (unsigned j = 0; j < dmar.nunits; j++)
			all |= dmar.unit[j].segment == dmar.unit[i].segment &&
			       (dmar.unit[j].flags & DMAR_INCLUDE_PCI_ALL);
		if (!all) {
			log_warn("iommu: no unit of PCI segment %u has "
				 "INCLUDE_PCI_ALL: a device outside the units' "
				 "scopes would not be translated",
				 dmar.unit[i].segment);
			return;
		}
	}
}

/* Everything checked before the first register write. */
static bool prepare(struct vtd_plan *p, struct vtd_holes *h, char *err,
		    size_t n)
{
	uint64_t cap[DMAR_UNITS_MAX], ecap[DMAR_UNITS_MAX];
	uint64_t l0 = bootinfo.core_pa, l0_end = l0 + bootinfo.region_size;

	for (unsigned i = 0; i < dmar.nunits; i++) {
		units[i].pa = dmar.unit[i].reg_pa;
		if (units[i].pa + dmar.unit[i].reg_size >
		    bootinfo.phys_map_end) {
			fmt_snprintf(
			    err, n,
			    "unit registers at 0x%lx lie above L0's map",
			    units[i].pa);
			return false;
		}
		cap[i] = units[i].cap = *reg64(&units[i], VTD_CAP);
		ecap[i] = units[i].ecap = *reg64(&units[i], VTD_ECAP);
		log_info("iommu: unit %u at 0x%lx: segment %u%s, %u device "
			 "scopes, CAP 0x%lx ECAP 0x%lx",
			 i, units[i].pa, dmar.unit[i].segment,
			 dmar.unit[i].flags & DMAR_INCLUDE_PCI_ALL
			     ? ", all PCI devices"
			     : "",
			 dmar.unit[i].nscopes, cap[i], ecap[i]);
	}
	warn_scopes();
	if (!vtd_plan(cap, ecap, dmar.nunits, bootinfo.phys_map_end, p, err, n))
		return false;
	vtd_hole_add(h, l0, l0_end);
	for (unsigned i = 0; i < dmar.nunits; i++)
		vtd_hole_add(h, dmar.unit[i].reg_pa,
			     dmar.unit[i].reg_pa + dmar.unit[i].reg_size);
	for (unsigned i = 0; i < dmar.nrmrr; i++) {
		const struct dmar_rmrr *r = &dmar.rmrr[i];

		for (unsigned j = 0; j < h->n; j++)
			if (r->base < h->r[j].end && h->r[j].start < r->end) {
				fmt_snprintf(err, n,
					     "RMRR 0x%lx..0x%lx overlaps L0 or "
					     "a unit's registers",
					     r->base, r->end);
				return false;
			}
		if (r->end > p->top) {
			fmt_snprintf(
			    err, n,
			    "RMRR 0x%lx..0x%lx lies above the mapped 0x%lx",
			    r->base, r->end, p->top);
			return false;
		}
	}
	return true;
}

/* L1 must not reach the registers (EPT01 shows them a scratch page). */
static bool hide_registers(char *err, size_t n)
{
	for (unsigned i = 0; i < dmar.nunits; i++)
		if (!ept01_hide(dmar.unit[i].reg_pa, dmar.unit[i].reg_size)) {
			fmt_snprintf(err, n,
				     "EPT01's table of hidden ranges is full");
			return false;
		}
	return true;
}

static bool setup(char *err, size_t n)
{
	struct vtd_plan p;
	struct vtd_holes h = {.n = 0};
	uint64_t dmar_pa, slpt, root;
	uint32_t len;

	if (!find_dmar(&dmar_pa, &len, err, n) || !prepare(&p, &h, err, n))
		return false;
	uint64_t free0 = page_alloc_free(), t0 = read_tsc();
	enum pt_err pe = PT_ENOMEM;

	if (!(slpt = vtd_build_slpt(&pool_ctx, &p, &h, &pe)) ||
	    !(root = vtd_build_root(&pool_ctx, &p, slpt))) {
		fmt_snprintf(err, n, "building the DMA tables failed: %s",
			     pt_strerror(pe));
		return false;
	}
	/*
	 * From here a unit may translate: its registers and the DMAR table go
	 * out of L1's sight (an L1 that found the table but not the registers
	 * would fail worse than one that finds no table).
	 */
	if (!hide_registers(err, n))
		return false;
	if (p.flush_cache) /* 6.1: a non-coherent unit reads the tables from
			      memory */
		wbinvd();
	for (unsigned i = 0; i < dmar.nunits; i++)
		if (!program(&units[i], root)) {
			iommu_nunits =
			    i; /* those before it translate: poll them */
			dmar_hide(phys_to_virt(dmar_pa));
			fmt_snprintf(
			    err, n,
			    "unit at 0x%lx did not take the tables (%u "
			    "unit(s) before it translate)",
			    units[i].pa, i);
			return false;
		}
	iommu_nunits = dmar.nunits;
	log_info("iommu: tables took %lu KiB of the page pool; building and "
		 "programming took %lu TSC cycles",
		 (free0 - page_alloc_free()) / 1024, read_tsc() - t0);
	dmar_hide(phys_to_virt(dmar_pa)); /* L1 finds no DMAR table */
	log_info(
	    "iommu: DMA remapping on %u unit(s): %u-level tables%s, domain %u, "
	    "memory below 0x%lx mapped except L0's 0x%lx..0x%lx and the units' "
	    "registers; %u RMRR(s) kept mapped; DMAR table hidden",
	    iommu_nunits, p.levels, p.large_1g ? " with 1 GiB pages" : "",
	    p.did, p.top, bootinfo.core_pa,
	    bootinfo.core_pa + bootinfo.region_size, dmar.nrmrr);
	if (p.top < bootinfo.phys_map_end)
		log_warn(
		    "iommu: DMA above 0x%lx faults (the units' address width)",
		    p.top);
	return true;
}

bool iommu_init(void)
{
	char err[160];

	if (bootinfo.iommu == IOMMU_OFF) {
		log_warn("iommu: iommu=off: DMA is not remapped; L1's devices "
			 "can reach L0's memory by DMA");
		return true;
	}
	if (setup(err, sizeof(err)))
		return true;
	if (bootinfo.iommu == IOMMU_REQUIRED) {
		log_err("iommu: iommu=required but DMA protection failed: %s",
			err);
		return false;
	}
	log_warn("iommu: no DMA protection (%s): L1's devices can reach L0's "
		 "memory by DMA",
		 err);
	return true;
}

unsigned iommu_units(void)
{
	return iommu_nunits;
}

static uint32_t mmio_rd32(void *arg, unsigned off)
{
	return *reg32(arg, off);
}

static uint64_t mmio_rd64(void *arg, unsigned off)
{
	return *reg64(arg, off);
}

static void mmio_wr32(void *arg, unsigned off, uint32_t v)
{
	*reg32(arg, off) = v;
}

static void report(void *arg, const struct vtd_fault *f)
{
	const struct unit *u = arg;

	gevent(NULL, GEV_DMA_FAULT, LOG_WARN,
	       "iommu: blocked DMA %s of 0x%lx by %02x:%02x.%x (unit 0x%lx, "
	       "record %u, reason 0x%x)",
	       f->read ? "read" : "write", f->addr, f->sid >> 8,
	       (f->sid >> 3) & 0x1f, f->sid & 7, u->pa, f->record, f->reason);
}

static void poll_unit(struct unit *u)
{
	struct vtd_regs r = {mmio_rd32, mmio_rd64, mmio_wr32, u};
	bool overflow;

	vtd_take_faults(&r, u->cap, report, u, &overflow);
	if (overflow)
		gevent(
		    NULL, GEV_DMA_FAULT, LOG_WARN,
		    "iommu: unit 0x%lx: fault records overflowed (faults lost)",
		    u->pa);
}

void iommu_poll_faults_now(void)
{
	uint64_t now = read_tsc();

	if (now - __atomic_load_n(&last_poll, __ATOMIC_RELAXED) <
		IOMMU_POLL_CYCLES ||
	    !spin_trylock(&fault_lock))
		return;
	last_poll = now;
	for (unsigned i = 0; i < iommu_nunits; i++)
		poll_unit(&units[i]);
	spin_unlock(&fault_lock);
}
