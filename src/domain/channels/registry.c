/* registry.c - the registered channel drivers: one line per driver (see
 * channel.h for how to add one). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "domain/channels/channel.h"
#include "core/banned.h"

const struct chan_driver *const chan_drivers[] = {
	&chan_platform_push,
	&chan_wechat,
	&chan_email,
};
const size_t chan_drivers_count = sizeof(chan_drivers) / sizeof(chan_drivers[0]);

const struct chan_driver *chan_driver_find(const char *kind)
{
	for (size_t i = 0; kind && i < chan_drivers_count; i++)
		if (strcmp(chan_drivers[i]->kind, kind) == 0)
			return chan_drivers[i];
	return NULL;
}

enum chan_result chan_say(struct chan_send *s, enum chan_result r, const char *fmt, ...)
{
	va_list ap;
	char tmp[1024];

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	s->message = arena_strdup(s->a, tmp);
	if (!s->message)
		s->message = "";
	return r;
}
