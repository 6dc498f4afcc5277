/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small vsnprintf. Each conversion is parsed completely before any
 * argument is fetched, so an unknown conversion (printed literally) never
 * consumes an argument that a later, valid conversion expects.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/fmt.h"

#define FMT_INT_MAX 0x7fffffff

/* %zd reads a long: true on every target we build for (LP64). */
_Static_assert(sizeof(long) == sizeof(size_t), "%zd assumes LP64");

enum { F_LEFT = 1, F_ZERO = 2 };
enum len_mod { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z };

struct spec {
	unsigned flags;
	int width;       /* valid unless width_star */
	int prec;        /* -1 = none; valid unless prec_star */
	bool width_star;
	bool prec_star;
	enum len_mod len;
	char conv;
};

/* The output cursor: len keeps counting after buf is full (C99 return). */
struct out {
	char *buf;
	size_t n;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->n)
		o->buf[o->len] = c;
	o->len++;
}

static void put_n(struct out *o, const char *s, size_t len)
{
	while (len--)
		put(o, *s++);
}

static void pad(struct out *o, char c, size_t count)
{
	while (count--)
		put(o, c);
}

/* Saturates rather than overflowing on absurd widths. */
static const char *parse_num(const char *p, int *val)
{
	int v = 0;

	while (*p >= '0' && *p <= '9') {
		int d = *p++ - '0';

		v = v > (FMT_INT_MAX - d) / 10 ? FMT_INT_MAX : v * 10 + d;
	}
	*val = v;
	return p;
}

static const char *parse_len(const char *p, enum len_mod *len)
{
	switch (*p) {
	case 'h':
		if (p[1] == 'h') {
			*len = LEN_HH;
			return p + 2;
		}
		*len = LEN_H;
		return p + 1;
	case 'l':
		if (p[1] == 'l') {
			*len = LEN_LL;
			return p + 2;
		}
		*len = LEN_L;
		return p + 1;
	case 'z':
		*len = LEN_Z;
		return p + 1;
	default:
		*len = LEN_NONE;
		return p;
	}
}

/* Length modifiers only make sense on integers; "%ls" would be wide. */
static bool conv_ok(char conv, enum len_mod len)
{
	switch (conv) {
	case 'd':
	case 'i':
	case 'u':
	case 'x':
	case 'X':
		return true;
	case 's':
	case 'c':
	case 'p':
	case '%':
		return len == LEN_NONE;
	default:
		return false;
	}
}

/*
 * Parses the conversion after a '%' at p. Returns where parsing stopped:
 * just past a valid conversion, or at the offending character (not past
 * it) with *valid false.
 */
static const char *parse_spec(const char *p, struct spec *s, bool *valid)
{
	*s = (struct spec){ .prec = -1 };
	for (;; p++) {
		if (*p == '-')
			s->flags |= F_LEFT;
		else if (*p == '0')
			s->flags |= F_ZERO;
		else
			break;
	}
	if (*p == '*') {
		s->width_star = true;
		p++;
	} else {
		p = parse_num(p, &s->width);
	}
	if (*p == '.') {
		p++;
		if (*p == '*') {
			s->prec_star = true;
			p++;
		} else {
			p = parse_num(p, &s->prec);
		}
	}
	p = parse_len(p, &s->len);
	*valid = conv_ok(*p, s->len);
	if (!*valid)
		return p;
	s->conv = *p;
	return p + 1;
}

static void put_padded(struct out *o, const struct spec *s, const char *str,
		       size_t len)
{
	size_t w = s->width > 0 ? (size_t)s->width : 0;
	size_t fill = w > len ? w - len : 0;

	if (!(s->flags & F_LEFT))
		pad(o, ' ', fill);
	put_n(o, str, len);
	if (s->flags & F_LEFT)
		pad(o, ' ', fill);
}

static void put_string(struct out *o, const struct spec *s, const char *str)
{
	size_t len = 0;

	if (!str)
		str = "(null)";
	/* With a precision the string need not be NUL-terminated. */
	while ((s->prec < 0 || len < (size_t)s->prec) && str[len])
		len++;
	put_padded(o, s, str, len);
}

/* C semantics: the precision is a minimum digit count and overrides '0'. */
static void put_number(struct out *o, const struct spec *s,
		       unsigned long long v, bool negative, unsigned base,
		       bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	size_t nd = 0, zeros = 0, body, w, fill;

	if (v || s->prec != 0) {
		do {
			tmp[nd++] = digits[v % base];
			v /= base;
		} while (v);
	}
	if (s->prec >= 0 && (size_t)s->prec > nd)
		zeros = (size_t)s->prec - nd;
	body = negative + zeros + nd;
	w = s->width > 0 ? (size_t)s->width : 0;
	fill = w > body ? w - body : 0;
	if ((s->flags & (F_ZERO | F_LEFT)) == F_ZERO && s->prec < 0) {
		zeros += fill;
		fill = 0;
	}
	if (!(s->flags & F_LEFT))
		pad(o, ' ', fill);
	if (negative)
		put(o, '-');
	pad(o, '0', zeros);
	while (nd)
		put(o, tmp[--nd]);
	if (s->flags & F_LEFT)
		pad(o, ' ', fill);
}

/* Always "0x" and 16 digits, so addresses line up in tables. */
static void put_pointer(struct out *o, const struct spec *s, uintptr_t v)
{
	char tmp[18];
	int i;

	tmp[0] = '0';
	tmp[1] = 'x';
	for (i = 17; i >= 2; i--) {
		tmp[i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	}
	put_padded(o, s, tmp, sizeof(tmp));
}

static long long get_signed(enum len_mod len, va_list *ap)
{
	switch (len) {
	case LEN_HH:
		return (signed char)va_arg(*ap, int);
	case LEN_H:
		return (short)va_arg(*ap, int);
	case LEN_L:
	case LEN_Z:
		return va_arg(*ap, long);
	case LEN_LL:
		return va_arg(*ap, long long);
	default:
		return va_arg(*ap, int);
	}
}

static unsigned long long get_unsigned(enum len_mod len, va_list *ap)
{
	switch (len) {
	case LEN_HH:
		return (unsigned char)va_arg(*ap, unsigned);
	case LEN_H:
		return (unsigned short)va_arg(*ap, unsigned);
	case LEN_L:
		return va_arg(*ap, unsigned long);
	case LEN_Z:
		return va_arg(*ap, size_t);
	case LEN_LL:
		return va_arg(*ap, unsigned long long);
	default:
		return va_arg(*ap, unsigned);
	}
}

static void fetch_stars(struct spec *s, va_list *ap)
{
	if (s->width_star) {
		s->width = va_arg(*ap, int);
		if (s->width < 0) {
			/* A negative '*' width means '-' (C99 7.19.6.1). */
			s->flags |= F_LEFT;
			s->width = s->width < -FMT_INT_MAX ? FMT_INT_MAX : -s->width;
		}
	}
	if (s->prec_star) {
		s->prec = va_arg(*ap, int);
		if (s->prec < 0)
			s->prec = -1; /* as if omitted */
	}
}

static void convert(struct out *o, struct spec *s, va_list *ap)
{
	unsigned long long uv;
	long long sv;
	char c;

	fetch_stars(s, ap);
	switch (s->conv) {
	case 'd':
	case 'i':
		sv = get_signed(s->len, ap);
		/* Negate in unsigned so LLONG_MIN does not overflow. */
		uv = sv < 0 ? -(unsigned long long)sv : (unsigned long long)sv;
		put_number(o, s, uv, sv < 0, 10, false);
		break;
	case 'u':
		put_number(o, s, get_unsigned(s->len, ap), false, 10, false);
		break;
	case 'x':
	case 'X':
		uv = get_unsigned(s->len, ap);
		put_number(o, s, uv, false, 16, s->conv == 'X');
		break;
	case 'p':
		put_pointer(o, s, (uintptr_t)va_arg(*ap, void *));
		break;
	case 's':
		put_string(o, s, va_arg(*ap, const char *));
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		put_padded(o, s, &c, 1);
		break;
	default: /* '%' */
		put(o, '%');
		break;
	}
}

int fmt_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .n = n, .len = 0 };
	va_list args;

	/* A private copy so the helpers can share it by pointer. */
	va_copy(args, ap);
	while (*fmt) {
		const char *start = fmt;
		struct spec s;
		bool valid;

		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &s, &valid);
		if (valid) {
			convert(&o, &s, &args);
			continue;
		}
		if (*fmt)
			fmt++;
		put_n(&o, start, (size_t)(fmt - start));
	}
	va_end(args);
	if (n)
		buf[o.len < n ? o.len : n - 1] = '\0';
	return o.len > FMT_INT_MAX ? -1 : (int)o.len;
}

int fmt_snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = fmt_vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}
