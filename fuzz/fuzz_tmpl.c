/* fuzz_tmpl.c - the input is template "t" (a partial "p" is beside it):
 * parse it, render it against a small fixed context, and check that a value
 * never reaches the output unescaped. Build: clang -fsanitize=fuzzer,... */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/str.h"
#include "render/tmpl.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char partial[] = "[{{x}}{{#items}}{{name}}{{/items}}]";
	const struct tmpl_src srcs[] = {
		{ "t", (const char *)data, size },
		{ "p", partial, sizeof(partial) - 1 },
	};
	struct tmpl_set *set;
	struct tv *ctx, *items;
	struct arena a;
	struct buf out;
	char err[128];

	if (tmpl_set_load(&set, srcs, 2, err, sizeof(err)))
		return 0;
	arena_init(&a, 1 << 24);
	ctx = tv_map(&a);
	/* "\x01<" appears in the output only if a value went out unescaped */
	tv_set_str(ctx, "x", "\x01<script>&\"'");
	tv_set_int(ctx, "n", -7);
	tv_set_bool(ctx, "yes", true);
	tv_set_html(ctx, "h", safe_html_from_trusted_literal("<em>ok</em>"));
	items = tv_set_list(ctx, "items");
	tv_set_str(tv_list_push_map(items), "name", "\x01<一>");
	tv_set_list(tv_list_push_map(items), "items");
	tv_list_push_str(items, "\x01<s>");
	buf_init(&out, &a, 1 << 20);
	if (tmpl_render(set, "t", ctx, &out) == 0 && !memchr(data, '\x01', size) &&
	    memmem(out.p ? out.p : "", out.n, "\x01<", 2))
		abort();
	arena_release(&a);
	tmpl_set_free(set);
	return 0;
}
