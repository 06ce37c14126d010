/* fuzz_intake.c - the intake checks of an application on any bytes. The
 * input is split at '\n' into the applicant's fields (type, name, id kind,
 * id number, contact, phone, e-mail, address, postcode, title, 文号,
 * description, medium, delivery). app_validate never crashes, accepts only
 * valid UTF-8 and leaves accepted fields trimmed; an accepted 居民身份证 or
 * 统一社会信用代码 has 18 characters; app_id_valid agrees with it; every
 * mask is valid UTF-8 and keeps the length in characters of an id number;
 * a tracking code normalises to 12 characters or is refused. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/applications/intake.h"
#include "domain/applications/taxonomy.h"
#include "store/store.h"
#include "core/banned.h"

static bool valid(const char *s)
{
	return s && utf8_valid(s, strlen(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	const char *f[14] = { 0 }, *msg = NULL, *m;
	char *copy, *p, code[13];
	size_t k = 0;
	long today = date_from_ymd(2026, 11, 27);

	if (memchr(data, 0, size) || size > 20000)
		return 0;
	arena_init(&a, 1 << 22);
	copy = arena_alloc(&a, size + 1);
	if (!copy)
		abort();
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (p = copy; k < 14; k++) {
		char *nl = strchr(p, '\n');

		f[k] = p;
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	struct application app = {
		.applicant_type = f[0], .name = f[1], .id_kind = f[2], .id_number = f[3], .contact_person = f[4],
		.phone = f[5], .email = f[6], .address = f[7], .postcode = f[8], .info_title = f[9],
		.info_doc_no = f[10], .info_desc = f[11], .medium = f[12], .delivery = f[13],
	};
	if (app_validate(&a, &app, today, &msg) == 0) {
		const char *all[] = { app.name, app.id_number, app.phone, app.info_title, app.info_desc };

		for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
			if (!valid(all[i]) || str_trim(str_c(all[i])).n != strlen(all[i]))
				abort();
		if ((strcmp(app.id_kind, "居民身份证") == 0 || strcmp(app.id_kind, "统一社会信用代码") == 0) &&
		    strlen(app.id_number) != 18)
			abort();
		if (!app_id_valid(app.id_kind, app.id_number, today, &msg))
			abort();
	} else if (!valid(msg)) {
		abort();
	}
	for (size_t i = 0; i < app_id_kinds_count; i++) {
		msg = NULL;
		if (!app_id_valid(app_id_kinds[i].label, f[0], today, &msg) && !valid(msg))
			abort();
	}
	if (valid(f[0])) {
		if (!(m = app_mask_id(&a, f[0])) || !valid(m) || utf8_len(m, strlen(m)) != utf8_len(f[0], strlen(f[0])))
			abort();
		if (!valid(app_mask_phone(&a, f[0])) || !valid(app_mask_email(&a, f[0])) ||
		    !valid(app_mask_address(&a, f[0])) || !valid(app_mask_name(&a, f[0])))
			abort();
	}
	if (app_tracking_code_normalize(f[0], code) && strlen(code) != 12)
		abort();
	arena_release(&a);
	return 0;
}
