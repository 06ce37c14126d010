/* registers.c - the table of registers. See registers.h. */
#include <string.h>

#include "domain/registers/registers.h"

#include "core/banned.h"

extern const struct reg_kind reg_interactions, reg_proposals, reg_reviews, reg_decisions, reg_fees,
	reg_procurements, reg_channel_stats;

const struct reg_kind *const reg_kinds[] = {
	&reg_interactions, &reg_proposals, &reg_reviews, &reg_decisions,
	&reg_fees, &reg_procurements, &reg_channel_stats,
};
const size_t reg_kinds_count = sizeof(reg_kinds) / sizeof(reg_kinds[0]);

const struct reg_kind *reg_kind_find(const char *code)
{
	for (size_t i = 0; code && i < reg_kinds_count; i++)
		if (strcmp(reg_kinds[i]->code, code) == 0)
			return reg_kinds[i];
	return NULL;
}
