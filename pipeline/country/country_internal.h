/* country/country_internal.h - what the registry and the pack modules share, and no one
 * else: the module tables and the state accessor. */
#ifndef PM_COUNTRY_INTERNAL_H
#define PM_COUNTRY_INTERNAL_H

#include "policyminer/country.h"

extern const pm_country_ops pm_country_kz_ops;
extern const pm_country_ops pm_country_cn_ops;

#endif
