/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The loader: options, serial console, VMX survey on every CPU, then the core
 * placed in reserved memory and entered on every CPU, then the next stage.
 * Any problem before the core is placed returns to the firmware with nothing
 * changed.
 */
#include <efi.h>
#include <efilib.h>

#include "boot/config.h"
#include "boot/console.h"
#include "boot/iommu_check.h"
#include "boot/load.h"
#include "boot/mp.h"
#include "boot/options.h"
#include "boot/survey.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/string.h"

#define LOAD_OPTIONS_MAX 1024
#define NEXT_MAX (256u << 20)

enum load_opts { LO_NONE, LO_TEXT, LO_BINARY };

/*
 * Load options are UCS-2 text when the shell or a boot entry made for us
 * passes them, but firmware-made boot entries carry binary data: only
 * printable text is taken as options.
 */
static enum load_opts load_options_text(EFI_HANDLE image, char *out,
					UINTN max, UINTN *len)
{
	EFI_LOADED_IMAGE *li;

	*len = 0;
	if (EFI_ERROR(BS->HandleProtocol(image, &LoadedImageProtocol,
					 (void **)&li)) ||
	    !li->LoadOptionsSize)
		return LO_NONE;
	if (li->LoadOptionsSize % 2)
		return LO_BINARY;
	const CHAR16 *w = li->LoadOptions;
	UINTN n = li->LoadOptionsSize / 2;

	for (UINTN i = 0; i < n && w[i]; i++) {
		CHAR16 c = w[i];

		if (!(c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c < 0x7f)) ||
		    *len + 1 >= max)
			return LO_BINARY;
		out[(*len)++] = (char)c;
	}
	out[*len] = 0;
	return LO_TEXT;
}

struct setup {
	struct options o;
	struct medium m;
	BOOLEAN have_cfg;
	enum load_opts lo;
	char err[OPT_ERR_MAX + 64];
};

/* Everything that can fail before the console is open; false if it did. */
static BOOLEAN read_options(EFI_HANDLE image, struct setup *s)
{
	char lo[LOAD_OPTIONS_MAX], *cfg;
	UINTN len;

	options_default(&s->o);
	if (EFI_ERROR(medium_open(image, &s->m, s->err, sizeof(s->err))))
		return FALSE;
	EFI_STATUS st = medium_read(&s->m, CONFIG_NAME, CONFIG_MAX, &cfg, &len,
				    s->err, sizeof(s->err));

	if (EFI_ERROR(st) && st != EFI_NOT_FOUND)
		return FALSE;
	if (!EFI_ERROR(st)) {
		s->have_cfg = TRUE;
		BOOLEAN ok = options_parse(&s->o, cfg, len, CONFIG_NAME, false,
					   s->err, sizeof(s->err));

		FreePool(cfg);
		if (!ok)
			return FALSE;
	}
	s->lo = load_options_text(image, lo, sizeof(lo), &len);
	return s->lo != LO_TEXT ||
	       options_parse(&s->o, lo, len, "load options", true, s->err,
			     sizeof(s->err));
}

static void log_options(const struct setup *s)
{
	const struct options *o = &s->o;

	log_info("boot: loaded from %s; %s, %s", s->m.name,
		 s->have_cfg ? "read " CONFIG_NAME : "no " CONFIG_NAME,
		 s->lo == LO_TEXT     ? "load options read"
		 : s->lo == LO_BINARY ? "load options are not text: ignored"
				      : "no load options");
	char cpus[16];

	fmt_snprintf(cpus, sizeof(cpus), o->cpus ? "%u" : "all", o->cpus);
	log_info("boot: options: serial=0x%x log=%s next=%s cpus=%s early_consistency_checks=%s%s%s",
		 o->serial_port, log_level_name(o->log),
		 o->next[0] ? o->next : "(none)", cpus,
		 o->early_checks < 0 ? "auto" : o->early_checks ? "on" : "off",
		 o->skip_check[0] ? " nested_skip_check=" : "", o->skip_check);
}

/* The BSP first, then enabled APs by processor number, up to cpus=. */
static UINTN choose_cpus(const struct mp *mp, const struct options *o,
			 BOOLEAN *chosen)
{
	UINTN want = o->cpus ? o->cpus : mp->count, n = 1;

	if (o->selftest == SELFTEST_IOMMU)
		want = 1; /* no VMX: only the BSP sets up DMA protection */

	chosen[mp->bsp] = TRUE;
	for (UINTN cpu = 0; cpu < mp->count && n < want; cpu++)
		if (cpu != mp->bsp && mp_cpu_enabled(mp, cpu))
			n += chosen[cpu] = TRUE;
	if (o->cpus > n)
		log_warn("boot: cpus=%u but only %lu CPUs are enabled: using %lu",
			 o->cpus, n, n);
	return n;
}

struct entry {
	const BOOLEAN *chosen;
	core_enter_fn enter;
	uint64_t *status;
};

/* Runs on each CPU; from a CPU that entered the core it runs again as L1. */
static void enter_one(UINTN cpu, void *arg)
{
	struct entry *e = arg;

	if (e->chosen[cpu])
		e->status[cpu] = e->enter(cpu);
}

#define NOT_RUN (~0ull)

static struct dmar_info dmar;

static EFI_STATUS start_core(const struct setup *s, const struct mp *mp,
			     BOOLEAN allow_1g)
{
	BOOLEAN *chosen = AllocateZeroPool(mp->count * sizeof(*chosen));
	uint64_t *status = AllocateZeroPool(mp->count * sizeof(*status));
	struct loaded_core lc;
	EFI_STATUS st = chosen && status ? EFI_SUCCESS : EFI_OUT_OF_RESOURCES;
	UINTN n = 0;

	if (!EFI_ERROR(st))
		n = choose_cpus(mp, &s->o, chosen);
	for (UINTN cpu = 0; status && cpu < mp->count; cpu++)
		status[cpu] = NOT_RUN;
	if (!EFI_ERROR(st))
		st = core_load(&s->o, mp, n, allow_1g, &lc);
	if (!EFI_ERROR(st)) {
		struct entry e = { chosen, lc.enter, status };

		log_info("boot: entering the core on %lu of %lu CPUs", n,
			 mp->count);
		st = mp_run_everywhere(mp, enter_one, &e);
		if (EFI_ERROR(st))
			log_err("boot: starting the core on the APs failed: status 0x%lx",
				(uint64_t)st);
		/*
		 * The loader now runs as L1 and cannot read the core's memory:
		 * what each core_enter returned tells how it went.
		 */
		UINTN done = 0;

		for (UINTN cpu = 0; cpu < mp->count; cpu++) {
			if (!chosen[cpu])
				continue;
			if (status[cpu] == 0)
				done++;
			else if (status[cpu] == NOT_RUN)
				log_err("boot: cpu%lu never entered the core", cpu);
			else
				log_err("boot: core init on cpu%lu failed (code %lu, see the core's lines above)",
					cpu, status[cpu]);
		}
		log_info("boot: core init finished on %lu of %lu CPUs: they run as L1 now",
			 done, n);
		if (done != n && !EFI_ERROR(st))
			st = EFI_DEVICE_ERROR;
		if (!EFI_ERROR(st) && s->o.selftest == SELFTEST_IOMMU)
			st = selftest_iommu_publish(lc.bi, &dmar);
	}
	if (chosen)
		FreePool(chosen);
	if (status)
		FreePool(status);
	return st;
}

static EFI_STATUS start_next(EFI_HANDLE image, const struct setup *s)
{
	EFI_HANDLE h;
	EFI_STATUS st;
	char err[160];

	if (s->m.pxe) {
		char *buf;
		UINTN len;

		st = medium_read(&s->m, s->o.next, NEXT_MAX, &buf, &len, err,
				 sizeof(err));
		if (st == EFI_NOT_FOUND)
			fmt_snprintf(err, sizeof(err), "not found on the TFTP server");
		if (!EFI_ERROR(st)) {
			st = BS->LoadImage(FALSE, image,
					   DevicePathFromHandle(s->m.device), buf,
					   len, &h);
			FreePool(buf);
		}
	} else {
		EFI_DEVICE_PATH *dp = medium_file_path(&s->m, s->o.next);

		st = dp ? BS->LoadImage(FALSE, image, dp, NULL, 0, &h)
			: EFI_OUT_OF_RESOURCES;
		if (dp)
			FreePool(dp);
		fmt_snprintf(err, sizeof(err), "status 0x%lx", (uint64_t)st);
	}
	if (EFI_ERROR(st)) {
		log_err("boot: cannot load next=%s: %s", s->o.next, err);
		return st;
	}
	log_info("boot: starting next stage %s", s->o.next);
	st = BS->StartImage(h, NULL, NULL);
	log_info("boot: next stage returned status 0x%lx", (uint64_t)st);
	return st;
}

/* gnu-efi's crt0 calls efi_main with the SysV ABI (after relocating us). */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	static struct setup s;
	struct mp mp;
	BOOLEAN allow_1g;

	InitializeLib(image, systab);
	BOOLEAN ok = read_options(image, &s);

	/* A bad serial= must not stop us from saying what is wrong. */
	console_init(ok ? s.o.serial_port : 0x3f8, ok ? s.o.log : LOG_INFO);
	console_banner();
	if (!ok) {
		log_err("boot: %s", s.err);
		log_err("boot: bad configuration: nothing was changed, returning to the firmware");
		return EFI_INVALID_PARAMETER;
	}
	log_options(&s);

	EFI_STATUS st = mp_init(&mp);

	if (EFI_ERROR(st))
		log_warn("boot: no MP services (status 0x%lx): only this CPU is surveyed and entered",
			 (uint64_t)st);
	console_set_cpu(mp.bsp);
	log_info("boot: %lu CPUs (%lu enabled), BSP is cpu%lu", mp.count,
		 mp.enabled, mp.bsp);

	/*
	 * First, as it changes nothing: iommu=required refuses here (the survey
	 * may lock IA32_FEATURE_CONTROL).
	 */
	st = iommu_check(&s.o, boot_find_rsdp(), &dmar);
	/* selftest=iommu runs where there is no VMX (QEMU TCG): no survey */
	if (!EFI_ERROR(st) && s.o.selftest == SELFTEST_IOMMU) {
		log_warn("boot: selftest=iommu: test mode, no VMX survey; the core only sets up DMA protection");
		allow_1g = FALSE;
	} else if (!EFI_ERROR(st)) {
		st = survey_vmx(&mp, &allow_1g);
	}
	if (!EFI_ERROR(st))
		st = start_core(&s, &mp, allow_1g);
	if (EFI_ERROR(st)) {
		log_err("boot: returning to the firmware (status 0x%lx)", (uint64_t)st);
		return st;
	}
	if (s.o.next[0])
		return start_next(image, &s);
	log_info("boot: no next= stage: returning to the firmware so it boots its next option");
	return EFI_NOT_STARTED;
}
