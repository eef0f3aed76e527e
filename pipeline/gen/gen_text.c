/* gen/gen_text.c - the generator's random numbers and neutral policy prose.
 *
 * Prose is built from small grammars of administrative Chinese (subjects, modal phrases,
 * actions, objects, purposes) mixed with numbers, dates and place names, so its gzip
 * ratio is close to real documents (~2.5-3x) rather than a repeated template's 10x. The
 * vocabulary avoids every word a shipped dictionary pattern matches, so planted labels
 * are the only labels a document carries (checked by the generator's tests).
 */
#include <stdio.h>
#include <string.h>

#include "gen_internal.h"

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void pm_rng_seed(pm_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix(&seed);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t pm_rng_next(pm_rng *r)
{
    uint64_t *s = r->s;
    uint64_t res = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return res;
}

uint32_t pm_rng_below(pm_rng *r, uint32_t n)
{
    return n ? (uint32_t)(((pm_rng_next(r) >> 32) * (uint64_t)n) >> 32) : 0;
}

double pm_rng_unit(pm_rng *r) { return (double)(pm_rng_next(r) >> 11) * 0x1.0p-53; }

#define N(a) (uint32_t)(sizeof(a) / sizeof *(a))

static const char *const SUBJ[] = {
    "各地", "各有关部门", "各级人民政府", "各有关单位", "市县两级", "相关部门", "各区", "牵头单位",
    "责任单位", "各街道", "各乡镇", "有关方面", "主管部门", "各成员单位", "职能部门", "各级机关"};
static const char *const MODAL[] = {
    "要进一步", "应当切实", "要认真", "必须", "要统筹", "要积极", "要不断", "应当",
    "要坚持", "要主动", "要及时", "要着力", "要全面", "应进一步", "要持续", "务必"};
static const char *const ACT[] = {
    "加强", "完善", "统筹", "推进", "落实", "健全", "严格", "狠抓", "规范", "梳理",
    "明确", "压实", "做好", "抓好", "提升", "夯实", "理顺", "巩固", "改进", "用好"};
static const char *const OBJ[] = {
    "工作机制", "协调联动", "统计监测", "督促检查", "信息报送", "部门协同", "工作责任",
    "政策解读", "宣传引导", "跟踪问效", "组织保障", "工作台账", "风险防控", "舆情引导",
    "日常调度", "信息共享", "工作衔接", "问题清单", "工作指引", "会商制度", "联络员制度",
    "工作专班", "工作闭环", "任务分工", "进度安排", "材料归档", "数据核查", "档案管理"};
static const char *const PURPOSE[] = {
    "确保各项任务落到实处", "形成工作合力", "切实提高工作效能", "推动工作取得实效",
    "确保按期完成", "增强工作的系统性", "做到守土有责", "提升治理水平", "打通堵点难点",
    "确保有序推进", "不断提升群众满意度", "为全局工作提供有力保障", "防止出现推诿扯皮",
    "做到底数清情况明", "切实减轻基层负担"};
static const char *const CONNECT[] = {"同时，", "此外，", "对此，", "为此，", "在此基础上，",
                                      "与此同时，", "总体上，", "具体而言，", "", "", ""};
static const char *const UNIT[] = {"项", "个", "批", "次", "件", "家"};
static const char *const TIME[] = {"季度", "年度", "月度", "半年", "两年", "三年"};

/* A made-up proper name (project, road, company) of 2-4 characters. */
static pm_status pseudo(pm_buf *b, pm_rng *r, const pm_gen_vocab *v)
{
    pm_status st = PM_OK;
    int n = 2 + (int)pm_rng_below(r, 3);
    for (int i = 0; i < n && st == PM_OK && v->n_chars; i++)
        st = pm_buf_append_str(b, v->chars[pm_rng_below(r, v->n_chars)]);
    return st;
}

static pm_status sentence(pm_buf *b, pm_rng *r, const pm_gen_vocab *v)
{
    const char *const *places = v->places;
    uint32_t np = v->n_places;
    pm_status st = pm_buf_append_str(b, CONNECT[pm_rng_below(r, N(CONNECT))]);
    unsigned form = pm_rng_below(r, 11);
    if (st != PM_OK)
        return st;
    switch (form) {
    case 6:
    case 7:
    case 8:
    case 9:
    case 10: /* named items: projects, roads, parks, firms (high-entropy like real text) */
        st = pm_buf_printf(b, "%s%s", np && form > 7 ? places[pm_rng_below(r, np)] : "", "“");
        if (st == PM_OK)
            st = pseudo(b, r, v);
        if (st == PM_OK)
            st = pm_buf_printf(b, "”%s由", form == 6 ? "项目" : "工程");
        if (st == PM_OK)
            st = pseudo(b, r, v);
        if (st == PM_OK)
            st = pm_buf_printf(b, "%s负责，", SUBJ[pm_rng_below(r, N(SUBJ))]);
        if (st == PM_OK)
            st = pseudo(b, r, v);
        if (st == PM_OK)
            st = pm_buf_printf(b, "、");
        if (st == PM_OK)
            st = pseudo(b, r, v);
        if (st == PM_OK)
            st = pm_buf_printf(b, "等%u%s%s%s。", 2 + pm_rng_below(r, 30), UNIT[pm_rng_below(r, N(UNIT))],
                               MODAL[pm_rng_below(r, N(MODAL))], ACT[pm_rng_below(r, N(ACT))]);
        if (st == PM_OK)
            st = pseudo(b, r, v);
        if (st == PM_OK)
            st = pm_buf_append_str(b, "。");
        break;
    case 0:
    case 1:
        st = pm_buf_printf(b, "%s%s%s%s，%s%s，%s。", SUBJ[pm_rng_below(r, N(SUBJ))],
                           MODAL[pm_rng_below(r, N(MODAL))], ACT[pm_rng_below(r, N(ACT))],
                           OBJ[pm_rng_below(r, N(OBJ))], ACT[pm_rng_below(r, N(ACT))],
                           OBJ[pm_rng_below(r, N(OBJ))], PURPOSE[pm_rng_below(r, N(PURPOSE))]);
        break;
    case 2:
        st = pm_buf_printf(b, "%s每%s%s%s情况，于%u月%u日前报送%u%s，%s。",
                           SUBJ[pm_rng_below(r, N(SUBJ))], TIME[pm_rng_below(r, N(TIME))],
                           ACT[pm_rng_below(r, N(ACT))], OBJ[pm_rng_below(r, N(OBJ))],
                           1 + pm_rng_below(r, 12), 1 + pm_rng_below(r, 28),
                           1 + pm_rng_below(r, 90), UNIT[pm_rng_below(r, N(UNIT))],
                           PURPOSE[pm_rng_below(r, N(PURPOSE))]);
        break;
    case 3:
        st = pm_buf_printf(b, "%s%s%s和%s，力争到%u年%s%s覆盖率达到%u.%u%%。",
                           np ? places[pm_rng_below(r, np)] : "本地", MODAL[pm_rng_below(r, N(MODAL))],
                           ACT[pm_rng_below(r, N(ACT))], OBJ[pm_rng_below(r, N(OBJ))],
                           2005 + pm_rng_below(r, 21), OBJ[pm_rng_below(r, N(OBJ))],
                           TIME[pm_rng_below(r, N(TIME))], 50 + pm_rng_below(r, 50),
                           pm_rng_below(r, 10));
        break;
    case 4:
        st = pm_buf_printf(b, "（联系人：%s办公室，电话：0%u-%08u）", np ? places[pm_rng_below(r, np)] : "本地",
                           10 + pm_rng_below(r, 900), pm_rng_below(r, 100000000));
        break;
    default:
        st = pm_buf_printf(b, "对照%s，%s%s%s，逐%s%s%s。", OBJ[pm_rng_below(r, N(OBJ))],
                           SUBJ[pm_rng_below(r, N(SUBJ))], MODAL[pm_rng_below(r, N(MODAL))],
                           ACT[pm_rng_below(r, N(ACT))], UNIT[pm_rng_below(r, N(UNIT))],
                           ACT[pm_rng_below(r, N(ACT))], OBJ[pm_rng_below(r, N(OBJ))]);
        break;
    }
    return st;
}

pm_status pm_gen_prose(pm_buf *b, pm_rng *r, int n_chars, const pm_gen_vocab *v)
{
    size_t start = b->len;
    size_t target = (size_t)n_chars * 3; /* CJK: three bytes a character */
    pm_status st = PM_OK;
    int in_par = 0;
    while (st == PM_OK && b->len - start < target) {
        st = sentence(b, r, v);
        if (++in_par >= 3 + (int)pm_rng_below(r, 5) && st == PM_OK) {
            st = pm_buf_append_char(b, '\n');
            in_par = 0;
        }
    }
    return st;
}

pm_status pm_gen_cn_date(pm_buf *b, int32_t ymd)
{
    static const char *const D[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
    pm_status st = PM_OK;
    for (int k = 1000; k >= 1 && st == PM_OK; k /= 10)
        st = pm_buf_append_str(b, D[y / k % 10]);
    char small[64];
    int pos = 0;
    int vals[2] = {m, d};
    const char *units[2] = {"月", "日"};
    for (int i = 0; i < 2; i++) {
        int v = vals[i];
        if (v >= 20)
            pos += snprintf(small + pos, sizeof small - (size_t)pos, "%s十", D[v / 10]);
        else if (v >= 10)
            pos += snprintf(small + pos, sizeof small - (size_t)pos, "十");
        if (v % 10)
            pos += snprintf(small + pos, sizeof small - (size_t)pos, "%s", D[v % 10]);
        pos += snprintf(small + pos, sizeof small - (size_t)pos, "%s", units[i]);
    }
    if (st == PM_OK)
        st = pm_buf_append_str(b, "年");
    if (st == PM_OK)
        st = pm_buf_append_str(b, small);
    return st;
}
