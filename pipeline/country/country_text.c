/* country/country_text.c - the text half of a document through the pack: the dispatcher
 * classify.c calls (pm_country_read_doc) and the generic reading a pack gets when its
 * module has finders but no read_doc of its own.
 *
 * The generic reading looks, in order, at the <issuer> field, the head of the body (where
 * an act names itself in its requisite line) and the title, and takes from the first that
 * answers: the date (only when the <date> field gave none), the act's own number (the
 * <docno> field wins; a number the pack normalised goes to the caller's buffer), and the
 * issuer with its region, recorded at record levels (country.h: 0 unknown, 1 + the pack's
 * level) with the region's code and its ancestor at the pack's level 1 as the province.
 * A <region code> hint at the pack's width answers last. Never prints; never allocates.
 */
#include <string.h>

#include "country_internal.h"
#include "policyminer/classify.h"

#define HEAD_BYTES 4096 /* the requisite line sits at the top of an act */

/* level: the pack level the finder gave (a division's level on the act's date) */
static void set_issuer(const pm_country *c, uint32_t region, unsigned level, pm_ymd date,
                       const char *text, size_t off, size_t len, pm_issuer_source src,
                       pm_issuer_result *out)
{
    const pm_region *r = pm_country_region_at(c, region);
    if (!r)
        return;
    out->level = (pm_level)(level + 1);
    out->region_code = (uint32_t)r->code;
    out->region_name = r->name;
    /* raised a level on that date (a city of an oblast then): its province is the parent's */
    uint32_t from = level > r->level ? pm_country_region_parent(c, region, date) : region;
    uint32_t prov = pm_country_region_ancestor(c, from, 1, date);
    const pm_region *p = pm_country_region_at(c, prov);
    out->province_code = p ? (uint32_t)p->code : 0;
    out->issuer = text ? text + off : NULL;
    out->issuer_len = text ? len : 0;
    out->source = src;
}

/* the <region code> field at the pack's width: its digits as a code, else 0 */
static int hint_code(const pm_country *c, pm_str s, uint64_t *code)
{
    if (!s.len || s.len != pm_country_code_width(c))
        return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < s.len; i++) {
        if (s.p[i] < '0' || s.p[i] > '9')
            return 0;
        v = v * 10 + (uint64_t)(s.p[i] - '0');
    }
    *code = v;
    return 1;
}

static void generic_read(const pm_country *c, const pm_doc *doc, pm_record *rec, char *numbuf,
                         size_t numcap)
{
    size_t head = doc->body.len < HEAD_BYTES ? doc->body.len : HEAD_BYTES;
    const pm_str where[3] = {doc->issuer, {doc->body.p, head}, doc->title};
    /* date, unless the <date> field gave one */
    if (rec->date_source == PM_DSRC_NONE) {
        for (int i = 1; i < 3; i++) {
            pm_ymd d = 0;
            pm_cspan sp;
            if (where[i].len && pm_country_find_date(c, where[i].p, where[i].len, &d, &sp) && d) {
                rec->date = (int32_t)d;
                rec->year = (int)(d / 10000);
                rec->date_source = PM_DSRC_REQUISITE;
                break;
            }
        }
    }
    /* the act's own number */
    if (doc->docno.len) {
        rec->docno = doc->docno;
    } else if (numbuf && numcap) {
        for (int i = 1; i < 3; i++) {
            pm_cspan sp;
            if (where[i].len &&
                pm_country_find_docno(c, where[i].p, where[i].len, numbuf, numcap, &sp)) {
                rec->docno.p = numbuf;
                rec->docno.len = strlen(numbuf);
                break;
            }
        }
    }
    /* the issuer */
    pm_ymd date = rec->date > 0 ? (pm_ymd)rec->date : 0;
    for (int i = 0; i < 3; i++) {
        pm_country_issuer is;
        if (!where[i].len || !pm_country_find_issuer(c, where[i].p, where[i].len, &is) ||
            !is.found)
            continue;
        set_issuer(c, is.region, is.level, date, where[i].p, is.span.off, is.span.len,
                   i == 0 ? PM_ISRC_FIELD : PM_ISRC_REQUISITE, &rec->issuer);
        rec->issuer.body = is.body;
        if (rec->issuer.level)
            return;
    }
    uint64_t code;
    if (hint_code(c, doc->region_code, &code)) {
        uint32_t r = pm_country_region_find(c, code, date);
        if (r != PM_REGION_NONE)
            set_issuer(c, r, pm_country_region_at(c, r)->level, date, NULL, 0, 0, PM_ISRC_HINT,
                       &rec->issuer);
    }
}

void pm_country_read_doc(const pm_country *c, const pm_doc *doc, pm_record *rec, char *numbuf,
                         size_t numcap)
{
    if (numbuf && numcap)
        numbuf[0] = '\0';
    const pm_country_ops *ops = pm_country_ops_of(c);
    if (ops->read_doc)
        ops->read_doc(pm_country_state(c), c, doc, rec, numbuf, numcap);
    else
        generic_read(c, doc, rec, numbuf, numcap);
    if (!rec->issuer.region_name)
        rec->issuer.region_name = "";
}

const pm_pname_pack *pm_country_pnames(const pm_country *c)
{
    return pm_country_ops_of(c)->pnames;
}
