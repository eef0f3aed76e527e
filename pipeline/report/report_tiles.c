/* report/report_tiles.c - where a region sits on the report's network map.
 *
 * A fixed tile grid of China's provincial units (8 x 8, placed roughly by geography; no
 * map data), keyed by the first two digits of the GB/T 2260 code, plus a tile for the
 * centre (100000) and one for codes the grid does not know (another country's). Inside
 * a tile the provincial government sits at the centre, prefectures on a ring around it
 * (slot from the code's 3rd-4th digits) and counties close to their prefecture.
 */
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

typedef struct tiledef {
    const char *code, *label;
    int col, row;
} tiledef;

static const tiledef TILES[] = {
    {"10", "中央 centre", 4, 0}, {"23", "黑龙江", 7, 0},
    {"65", "新疆", 0, 1}, {"15", "内蒙古", 3, 1}, {"11", "北京", 4, 1}, {"21", "辽宁", 6, 1},
    {"22", "吉林", 7, 1}, {"12", "天津", 5, 1},
    {"63", "青海", 1, 2}, {"62", "甘肃", 2, 2}, {"64", "宁夏", 3, 2}, {"14", "山西", 4, 2},
    {"13", "河北", 5, 2}, {"37", "山东", 6, 2},
    {"54", "西藏", 1, 3}, {"51", "四川", 2, 3}, {"61", "陕西", 3, 3}, {"41", "河南", 4, 3},
    {"34", "安徽", 5, 3}, {"32", "江苏", 6, 3}, {"31", "上海", 7, 3},
    {"50", "重庆", 3, 4}, {"42", "湖北", 4, 4}, {"36", "江西", 5, 4}, {"33", "浙江", 6, 4},
    {"53", "云南", 2, 5}, {"52", "贵州", 3, 5}, {"43", "湖南", 4, 5}, {"35", "福建", 5, 5},
    {"71", "台湾", 6, 5},
    {"45", "广西", 3, 6}, {"44", "广东", 4, 6}, {"81", "香港", 5, 6}, {"82", "澳门", 5, 7},
    {"46", "海南", 3, 7},
    {"", "other 其他", 0, 7},
};

const char *const rp_tile_codes[] = {"10", "23", "65", "15", "11", "21", "22", "12", "63",
                                     "62", "64", "14", "13", "37", "54", "51", "61", "41",
                                     "34", "32", "31", "50", "42", "36", "33", "53", "52",
                                     "43", "35", "71", "45", "44", "81", "82", "46", "",
                                     NULL};

void rp_tile_place(const char *code, double tile, double *x, double *y, const char **label)
{
    size_t n = sizeof TILES / sizeof *TILES, k = n - 1;
    for (size_t i = 0; i + 1 < n; i++)
        if (strlen(code) >= 2 && strncmp(code, TILES[i].code, 2) == 0)
            k = i;
    const tiledef *t = &TILES[k];
    double cx = 10 + tile * ((double)t->col + 0.5), cy = 10 + tile * ((double)t->row + 0.5);
    *label = t->label;
    *x = cx;
    *y = cy;
    if (!*t->code || strlen(code) < 6 || strcmp(code, "100000") == 0)
        return;
    int pref = (code[2] - '0') * 10 + (code[3] - '0'), cnty = (code[4] - '0') * 10 + (code[5] - '0');
    if (pref <= 0 && cnty <= 0)
        return; /* the provincial government */
    static const double ring[8][2] = {{0, -1}, {0.71, -0.71}, {1, 0}, {0.71, 0.71},
                                      {0, 1}, {-0.71, 0.71}, {-1, 0}, {-0.71, -0.71}};
    int s = (pref > 0 ? pref - 1 : cnty) % 8;
    double r = tile * 0.27;
    *x = cx + ring[s][0] * r;
    *y = cy + ring[s][1] * r + 4;
    if (cnty > 0 && pref > 0) {
        int c = cnty % 8;
        *x += ring[c][0] * tile * 0.08;
        *y += ring[c][1] * tile * 0.08;
    }
}
