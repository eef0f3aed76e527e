#!/usr/bin/env python3
"""Real articles (条) of economic regulations in ../shared/data/cn-law, read on the fly.

The project keeps no copied text: this module finds the regulations, cuts their articles
(from a line opening 第…条 up to the next such line or heading) and draws the labelled
sample deterministically. `python3 articles.py sample N` prints the sample's ids (path,
article) in a fixed order; `python3 articles.py show ID...` prints articles for labelling.
"""
import hashlib
import os
import re
import sys

# Economic regulations: industry, investment, SMEs, science & technology, employment,
# agriculture, environment, business environment, trade, finance, tax. Titles, not texts.
INCLUDE = re.compile(
    "产业|投资|中小企业|科技|科学技术|就业|农业|营商|贸易|创新|创业|人才|开发区|"
    "自由贸易|企业|外商|外资|民营|私营|个体|数字经济|信息化|电子商务|金融|节能|节约能源|"
    "循环经济|环境保护|绿色|乡村振兴|种子|渔业|中医药|旅游|知识产权|专利|成果转化|"
    "职业教育|税|出口|进出口|残疾人就业|失业保险|农业保险|合作区|示范区|区块链|保税|"
    "国际金融中心|国际贸易中心|科技创新中心|粤菜|工艺美术|农村集体")
EXCLUDE = re.compile("文明行为|消防|警务|纠纷|慈善|家庭教育|市容|景观照明|突发|学前|"
                     "印章|治安|志愿|犯罪|监事会|处分|档案|普查|审计|噪声|厂长|常驻代表")
ART = re.compile(r"^\s*(第[一二三四五六七八九十百零〇]+条(?:之[一二三四五六七八九十]+)?)[\s　]")
SALT = "instr-v1"
PER_FILE = 6


def law_root(shared):
    return os.path.join(shared, "data", "cn-law")


def regulations(root):
    out = []
    for top in ("行政法规", "DLC"):
        for d, _, files in os.walk(os.path.join(root, top)):
            for f in files:
                if not f.endswith(".md") or f == "_index.md":
                    continue
                title = re.sub(r"\(\d{4}-\d{2}-\d{2}\)\.md$", "", f)
                if INCLUDE.search(title) and not EXCLUDE.search(title):
                    out.append(os.path.relpath(os.path.join(d, f), root))
    return sorted(out)


def articles(path):
    """[(number, text)] of one regulation file, in order; text without the 第…条 label."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    i = text.find("<!-- INFO END -->")
    body = text[i + len("<!-- INFO END -->"):] if i >= 0 else text
    out, cur, buf = [], None, []
    for line in body.splitlines():
        m = ART.match(line)
        if m or line.lstrip().startswith("#"):
            if cur is not None:
                out.append((cur, "\n".join(buf).strip()))
            cur, buf = (m.group(1), [line[m.end():]]) if m else (None, [])
        elif cur is not None:
            buf.append(line)
    if cur is not None:
        out.append((cur, "\n".join(buf).strip()))
    seen, uniq = set(), []
    for n, t in out:  # a number repeated (a quoted amendment) keeps its first article
        if n not in seen:
            seen.add(n)
            uniq.append((n, t))
    return uniq


def key(s):
    return hashlib.sha1((SALT + ":" + s).encode("utf-8")).hexdigest()


def split_of(ident):
    """dev or heldout, from a hash of the id alone."""
    return "dev" if int(hashlib.sha1(ident.encode("utf-8")).hexdigest()[:8], 16) % 2 == 0 else "heldout"


def sample(root, n):
    pool = []
    for rel in regulations(root):
        arts = [a for a, t in articles(os.path.join(root, rel)) if t]
        arts.sort(key=lambda a: key(rel + "#" + a))
        pool.extend(rel + "#" + a for a in arts[:PER_FILE])
    pool.sort(key=key)
    return pool[:n]


# Stratum 2: promotion-type regulations, where measures are dense enough for per-group
# figures (the broad stratum is three-quarters procedure). Newest version of each title only.
PROMO = re.compile("促进|扶持|鼓励|优化营商环境|科技创新|科学技术进步|中小企业|就业|乡村振兴|"
                   "外商投资条例|自由贸易试验区|开发区|示范区|合作区|国际.{2}中心|数字经济|"
                   "信息化|人工智能|产业|成果转化|绿色|节约能源|职业教育")
PROMO_PER_FILE = 10


def title_of(rel):
    return re.sub(r"(\.md)?(\(\d{4}-\d{2}-\d{2}\))?\.md$", "", os.path.basename(rel))


def sample_promo(root, n, exclude):
    newest = {}
    for rel in regulations(root):
        t = title_of(rel)
        if PROMO.search(t) and (t not in newest or rel > newest[t]):
            newest[t] = rel
    pool = []
    for rel in sorted(newest.values()):
        arts = [a for a, t in articles(os.path.join(root, rel)) if t and rel + "#" + a not in exclude]
        arts.sort(key=lambda a: key("promo:" + rel + "#" + a))
        pool.extend(rel + "#" + a for a in arts[:PROMO_PER_FILE])
    pool.sort(key=lambda i: key("promo:" + i))
    return pool[:n]


# Stratum 3 (dev2, development only): regulations none of whose versions gives a held-out
# article, across 行政法规, 部门规章 and the four DLC provinces; newest version of a title.
# Promotion-type titles give 3 articles each, the others 1 (from a hashed half of them).
ALL_TOPS = ("行政法规", "部门规章", "DLC")
ECON = re.compile("促进|发展|扶持|鼓励|市场|经济|商|产|企业|投资|贸易|金融|税|农|林|牧|渔|粮|水|能源|"
                  "电力|矿|交通|港|航|物流|邮政|电信|通信|广告|会展|消费|旅游|价格|标准化|质量|品牌|"
                  "知识产权|专利|商标|科技|技术|人才|就业|职业|培训|建筑|房|土地|开发|园区|口岸|进出口|"
                  "外汇|保险|银行|证券|烟草|盐|种|食品|药|中医|住房|公积金|合作社|乡村|城乡|节能|环境|"
                  "生态|资源|循环|清洁|气象|测绘|信息|数据|网络|电子|统计")
NOT_ECON = re.compile("文明行为|消防|警|纠纷|慈善|家庭教育|市容|景观照明|突发|学前|印章|治安|处分|档案|"
                      "普查|审计|噪声|厂长|常驻代表|监事会|事故|处罚|违法|犯罪|国旗|关衔|武器|军|盘问|"
                      "刑事|行政案件|记分|登记|统计|安全保卫|取缔|纪律")
PROMO2 = re.compile("促进|发展|扶持|鼓励|推进|保障|建设|优惠|免征|保险|投资|市场|数据|技术|科学|人才|"
                    "人力资源|就业|失业|农业|农民|种子|节能|节约|补偿|口岸|航运|会展|教育|文化|合作社|"
                    "中医|旅游|经济|改革|一网通办|示范区|电信|邮政|退耕|农田|粮食|生态|信用|设施共享|"
                    "公共交通|无障碍")


def newest_versions(root, keep):
    """{title: path} of the newest version (greatest path) of every regulation under ALL_TOPS
    whose title keep(title) accepts: the unit each development batch draws from."""
    newest = {}
    for top in ALL_TOPS:
        for d, _, files in os.walk(os.path.join(root, top)):
            for f in files:
                if not f.endswith(".md") or f == "_index.md":
                    continue
                rel = os.path.relpath(os.path.join(d, f), root)
                t = title_of(rel)
                if keep(t) and (t not in newest or rel > newest[t]):
                    newest[t] = rel
    return newest


def sample_dev2(root, heldout_titles, exclude):
    newest = newest_versions(root, lambda t: t not in heldout_titles and bool(ECON.search(t))
                             and not NOT_ECON.search(t))
    pool = []
    for rel in sorted(newest.values()):
        promo = bool(PROMO2.search(title_of(rel)))
        if not promo and int(key("dev2f:" + rel)[:2], 16) % 2:
            continue
        arts = [a for a, t in articles(os.path.join(root, rel)) if t and rel + "#" + a not in exclude]
        arts.sort(key=lambda a: key("dev2:" + rel + "#" + a))
        pool.extend(("dev2-promo" if promo else "dev2-broad", rel + "#" + a) for a in arts[:3 if promo else 1])
    pool.sort(key=lambda p: key("dev2:" + p[1]))
    return pool


# Stratum 4 (dev3, development only): more articles of the measure-dense titles among the
# dev2 regulations (promotion, support, investment-protection and market-building
# regulations), those not drawn yet, up to 6 more per title.
DENSE = re.compile("促进|发展|扶持|鼓励|推进|优惠|政策|农业保险|补偿|合作社|人力资源市场|口岸服务|"
                   "台湾同胞投资|技术市场|政府投资|粮食安全|会展|数据条例|设施共享")


def sample_dev3(root, heldout_titles, exclude):
    picked = {}
    for st, i in sample_dev2(root, heldout_titles, exclude):
        picked.setdefault(i.partition("#")[0], set()).add(i)
    pool = []
    for rel in sorted(picked):
        if not DENSE.search(title_of(rel)):
            continue
        arts = [a for a, t in articles(os.path.join(root, rel))
                if t and rel + "#" + a not in exclude and rel + "#" + a not in picked[rel]]
        arts.sort(key=lambda a: key("dev3:" + rel + "#" + a))
        pool.extend(("dev3-dense", rel + "#" + a) for a in arts[:6])
    pool.sort(key=lambda p: key("dev3:" + p[1]))
    return pool


# Stratum 5 (dev4, development only): regulations none of whose versions gives a held-out
# article (as dev2), newest version of a title, articles not labelled yet, weighted toward
# the codebook's inputs, demand and supply_chain rows: an article that names one of WEIGHT's
# words is drawn (at most 2 per title), one that names none only from a hashed eighth, at
# most 1 per title, so that the batch also keeps some ordinary articles (precision).
WEIGHT = re.compile("用地|土地|人才|培训|职业技能|技术|研发|研究开发|科技|创新|基础设施|平台|网络|"
                    "清洁生产|节能|绿色|环境|采购|购买服务|市场开拓|推广|展会|展览|品牌|宣传|消费|"
                    "集群|产业链|园区|开发区|集聚|孵化|示范区|基地|配套")


def sample_dev4(root, heldout_titles, exclude):
    newest = newest_versions(root, lambda t: t not in heldout_titles and bool(ECON.search(t))
                             and not NOT_ECON.search(t))
    pool = []
    for rel in sorted(newest.values()):
        arts = [(a, t) for a, t in articles(os.path.join(root, rel)) if t and rel + "#" + a not in exclude]
        arts.sort(key=lambda at: key("dev4:" + rel + "#" + at[0]))
        hit = [a for a, t in arts if WEIGHT.search(t)][:2]
        rest = [a for a, t in arts if not WEIGHT.search(t) and int(key("dev4o:" + rel + "#" + a)[:2], 16) < 32][:1]
        pool.extend(("dev4-weighted", rel + "#" + a) for a in hit)
        pool.extend(("dev4-other", rel + "#" + a) for a in rest)
    pool.sort(key=lambda p: key("dev4:" + p[1]))
    return pool


# Stratum 6 (dev5, development only): the promotion- and measure-dense titles (PROMO2 or
# DENSE) of the regulations that give no held-out article, articles not labelled yet that
# name one of WEIGHT's words, at most 3 per title: evidence where the measures are.
def sample_dev5(root, heldout_titles, exclude):
    newest = newest_versions(root, lambda t: t not in heldout_titles and bool(ECON.search(t))
                             and not NOT_ECON.search(t) and bool(PROMO2.search(t) or DENSE.search(t)))
    pool = []
    for rel in sorted(newest.values()):
        arts = [(a, t) for a, t in articles(os.path.join(root, rel))
                if t and rel + "#" + a not in exclude and WEIGHT.search(t)]
        arts.sort(key=lambda at: key("dev5:" + rel + "#" + at[0]))
        pool.extend(("dev5-dense", rel + "#" + a) for a, t in arts[:3])
    pool.sort(key=lambda p: key("dev5:" + p[1]))
    return pool


def labelled(path):
    """(heldout titles, all labelled ids) of articles.tsv."""
    ho, ids = set(), set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("path\t"):
                continue
            c = line.rstrip("\n").split("\t")
            ids.add(c[0] + "#" + c[1])
            if c[3] == "heldout":
                ho.add(title_of(c[0]))
    return ho, ids


# Stratum 7 (dev7-*, development only): local regulations of provinces ../shared does not
# have (浙江, 山东, 河南), from the older tree of LawRefBook/Laws, kept in a cache outside
# the project ($PM_CN_EXTRA3, default /work/cn-extra3; its README.txt says what it holds).
# Their ids in articles.tsv start with EXTRA3 and name the file by its path in that tree.
EXTRA3 = "cn-extra3/"


def extra3_root():
    return cache_root(EXTRA3)


def path_of(root, rel):
    """The file of an id's path: under its cache's root for cache ids (CACHES), else under root."""
    for prefix, _, _ in CACHES:
        if rel.startswith(prefix):
            return os.path.join(cache_root(prefix), rel[len(prefix):])
    return os.path.join(root, rel)


# The caches of other provinces' regulations outside the project (CI has only ../shared),
# one row each: the ids' prefix, the environment variable naming its root (default
# /work/<prefix>) and the batch that reads it. Each block below says how its cache was drawn.
CACHES = (("cn-extra3/", "PM_CN_EXTRA3", "dev7"), ("cn-extra4/", "PM_CN_EXTRA4", "dev8o"),
          ("cn-extra5/", "PM_CN_EXTRA5", "dev9"), ("cn-extra6/", "PM_CN_EXTRA6", "dev10"),
          ("cn-extra7/", "PM_CN_EXTRA7", "dev13"), ("cn-extra8/", "PM_CN_EXTRA8", "dev14"),
          ("cn-extra9/", "PM_CN_EXTRA9", "dev15"), ("cn-extra10/", "PM_CN_EXTRA10", "dev34"),
          ("cn-extra11/", "PM_CN_EXTRA11", "dev77"))


def cache_root(prefix):
    env = next(e for p, e, _ in CACHES if p == prefix)
    return os.environ.get(env, "/work/" + prefix.rstrip("/"))


def drop_absent_caches(rows, who):
    """rows without those of a cache that is absent, each cache skipped with one message; of a
    cache that is present but incomplete (a rebuild under way, a file not fetched), the rows
    whose file is missing are skipped with one message that counts them. A missing article
    of a file that is there is still an error for the caller (lookup returns None)."""
    for prefix, env, batch in CACHES:
        n = sum(1 for r in rows if r["path"].startswith(prefix))
        if n and not os.path.isdir(cache_root(prefix)):
            print("%s: %s ($%s) absent, its %d articles (%s) SKIPPED" % (who, cache_root(prefix), env, n, batch))
            rows = [r for r in rows if not r["path"].startswith(prefix)]
        elif n:
            gone = set(r["path"] for r in rows if r["path"].startswith(prefix)
                       and not os.path.exists(os.path.join(cache_root(prefix), r["path"][len(prefix):])))
            if gone:
                k = sum(1 for r in rows if r["path"] in gone)
                print("%s: %s ($%s) lacks %d of its files, their %d articles (%s) SKIPPED"
                      % (who, cache_root(prefix), env, len(gone), k, batch))
                rows = [r for r in rows if r["path"] not in gone]
    return rows


# The dev7 draw: 8 promotion-type and business-environment regulations of those provinces
# (path in that tree, number of articles 第一条…第N条 in the version read, LawRefBook/Laws
# commits afea2fb / b3ee74f / 2414e0f / 3cd6e86), 15 articles each by hash; the cache keeps
# only the drawn articles.
DEV7 = (("地方性法规/山东/山东省优化营商环境条例.md", 67), ("地方性法规/浙江/浙江省民营企业发展促进条例.md", 50),
        ("地方性法规/河南/河南省优化营商环境条例.md", 90), ("地方性法规/山东/山东省人才发展促进条例.md", 60),
        ("地方性法规/浙江/浙江省数字经济促进条例.md", 62), ("地方性法规/山东/山东省促进科技成果转化条例.md", 45),
        ("地方性法规/浙江/中国（浙江）自由贸易试验区条例.md", 59), ("地方性法规/山东/山东省农业机械化促进条例.md", 41))


# dev7b: 4 more of those regulations, drawn and labelled after the dev7 fixes (salt dev7b:).
DEV7B = (("地方性法规/山东/山东省企业技术改造条例.md", 36), ("地方性法规/山东/山东省农民专业合作社条例.md", 56),
         ("地方性法规/山东/山东省农村可再生能源条例.md", 35), ("地方性法规/浙江/宁波市台湾同胞投资保障条例.md", 30))


def cn_number(n):
    d = "零一二三四五六七八九"
    if n < 10:
        return d[n]
    return (d[n // 10] if n >= 20 else "") + "十" + (d[n % 10] if n % 10 else "")


def sample_dev7(files=DEV7, per_file=15, salt="dev7:"):
    out = []
    for rel, n in files:
        arts = ["第%s条" % cn_number(i) for i in range(1, n + 1)]
        pick = set(sorted(arts, key=lambda a: hashlib.sha1((salt + rel + "#" + a).encode("utf-8")).hexdigest())[:per_file])
        out.extend(EXTRA3 + rel + "#" + a for a in arts if a in pick)
    return out


# dev8f (helper "instr", fiscal_financial): 8 economic and promotion-type regulations of the
# same three provinces, none of them giving a held-out article (employment, science and
# technology progress, patents, elderly-care services, traditional Chinese medicine, the
# Yiwu trade-reform zone, a city business-environment regulation), 15 articles each by hash
# (salt dev8f:), read into the same cache (LawRefBook/Laws commits 3cd6e86 / 74471d5 /
# b3ee74f / 2414e0f, see its README.txt). (path, number of articles 第一条…第N条, numbers
# the version read skips), drawn and labelled from the codebook before any fix from it.
DEV8F = (("地方性法规/山东/山东省就业促进条例.md", 71, ()), ("地方性法规/河南/河南省科学技术进步条例.md", 56, ()),
         ("地方性法规/浙江/浙江省科学技术进步条例.md", 59, ()), ("地方性法规/山东/山东省专利条例.md", 56, ()),
         ("地方性法规/山东/山东省养老服务条例.md", 75, ()), ("地方性法规/山东/山东省中医药条例.md", 75, (13,)),
         ("地方性法规/浙江/义乌国际贸易综合改革试验区条例.md", 37, ()), ("地方性法规/河南/商丘市优化营商环境条例.md", 37, ()))


def sample_dev8f(files=DEV8F, per_file=15, salt="dev8f:"):
    """The dev8f ids: per_file articles of each regulation by hash, in article order."""
    out = []
    for rel, n, skipped in files:
        arts = ["第%s条" % cn_number(i) for i in range(1, n + 1) if i not in skipped]
        pick = set(sorted(arts, key=lambda a: hashlib.sha1((salt + rel + "#" + a).encode("utf-8")).hexdigest())[:per_file])
        out.extend(EXTRA3 + rel + "#" + a for a in arts if a in pick)
    return out
# --- dev8o (helper instr2: entry_regulation, inputs, demand, supply_chain) ---------------
# Stratum 8o (dev8o-*, development only): economic and promotion regulations of 河南, 山东 and
# 浙江 (LawRefBook/Laws' older tree, as dev7) that neither dev7/dev7b nor the held-out half
# draws from, kept in a second cache outside the project ($PM_CN_EXTRA4, default
# /work/cn-extra4; its README.txt names repository, paths and commits and keeps only the
# drawn articles). Ids start with EXTRA4. Drawn and labelled before any fix drawn from them.
EXTRA4 = "cn-extra4/"


def extra4_root():
    return cache_root(EXTRA4)


DEV8O = (("地方性法规/河南/商丘市优化营商环境条例.md", 37), ("地方性法规/浙江/义乌国际贸易综合改革试验区条例.md", 37),
         ("地方性法规/浙江/宁波大榭开发区条例.md", 29), ("地方性法规/山东/山东省信息化促进条例.md", 42),
         ("地方性法规/山东/威海市城市国际化促进条例.md", 52), ("地方性法规/浙江/宁波市中等职业教育条例.md", 41),
         ("地方性法规/浙江/浙江省技术市场条例.md", 28), ("地方性法规/河南/南阳市生态文明建设促进条例.md", 64),
         ("地方性法规/山东/山东省企业权益保护条例.md", 25), ("地方性法规/山东/中国（山东）自由贸易试验区条例.md", 59))


def sample_dev8o(files=DEV8O, per_file=12, salt="dev8o:"):
    """12 articles per regulation by hash, ids under EXTRA4 (same draw rule as dev7)."""
    return [EXTRA4 + i[len(EXTRA3):] for i in sample_dev7(files, per_file, salt)]


# dev8ob: 4 more of those regulations, drawn and labelled after the dev8o fixes (salt dev8ob:).
DEV8OB = (("地方性法规/河南/开封市优化营商环境条例.md", 38), ("地方性法规/浙江/浙江省促进科技成果转化条例.md", 48),
          ("地方性法规/山东/山东省人力资源市场条例.md", 51), ("地方性法规/浙江/宁波东钱湖旅游度假区条例.md", 24))
# --- end dev8o ----------------------------------------------------------------------------
# --- dev9 (helper instr4: an unseen batch for the leave-regulations-out check) -------------
# Eight economic regulations of 河南 and 浙江 (LawRefBook/Laws' older tree) of which no batch
# had drawn an article: patents (two), talent mobility, continuing education, a city's
# government services, enterprise credit, recycling, trade secrets. 12 articles each by hash
# (salt dev9:), kept in a third cache outside the project ($PM_CN_EXTRA5, default
# /work/cn-extra5; its README.txt names repository, paths and commits). (path, number of
# articles, numbers skipped: the continuing-education source runs 第十八条 into 第十七条's
# line, so neither is drawn). Labelled from the codebook before the batch was classified.
EXTRA5 = "cn-extra5/"


def extra5_root():
    return cache_root(EXTRA5)


DEV9 = (("地方性法规/河南/河南省专利保护条例.md", 34, ()), ("地方性法规/河南/河南省人才流动条例.md", 46, ()),
        ("地方性法规/河南/安阳市政务服务条例.md", 58, ()), ("地方性法规/河南/河南省专业技术人员继续教育条例.md", 27, (17, 18)),
        ("地方性法规/浙江/宁波市专利管理条例.md", 30, ()), ("地方性法规/浙江/台州市企业信用促进条例.md", 35, ()),
        ("地方性法规/浙江/宁波市再生资源回收利用管理条例.md", 30, ()), ("地方性法规/浙江/宁波市企业技术秘密保护条例.md", 26, ()))


def sample_dev9(files=DEV9, per_file=12, salt="dev9:"):
    """12 articles per regulation by hash, ids under EXTRA5 (the dev8f draw rule)."""
    return [EXTRA5 + i[len(EXTRA3):] for i in sample_dev8f(files, per_file, salt)]
# --- end dev9
# --- dev10 (helper instr5: a second unseen check batch, money-dense titles) ---------------
# Eight economic regulations of 山东, 河南 and 浙江 (LawRefBook/Laws' older tree) of which no
# batch had drawn an article, chosen for measures with money in them: tourism (three
# provinces), promotion of scientific and technological achievements' transformation (河南),
# agricultural mechanisation promotion (浙江, 河南), e-commerce (浙江), 威海 elderly-care
# services. 12 articles each by hash (salt dev10:, the dev8f draw rule), kept in a fourth
# cache outside the project ($PM_CN_EXTRA6, default /work/cn-extra6; its README.txt names
# repository, paths and commits). 河南省旅游条例 has 101 articles; cn_number() stops at 99, so
# only 第一条…第九十九条 are drawn from. Labelled by hand from the codebook, one article at a
# time, before the batch was ever classified; always on the check side, never fixed from.
EXTRA6 = "cn-extra6/"


def extra6_root():
    return cache_root(EXTRA6)


DEV10 = (("地方性法规/山东/山东省旅游条例.md", 70, ()), ("地方性法规/河南/河南省旅游条例.md", 99, ()),
         ("地方性法规/浙江/浙江省旅游条例.md", 48, ()), ("地方性法规/河南/河南省促进科技成果转化条例.md", 49, ()),
         ("地方性法规/浙江/浙江省农业机械化促进条例.md", 46, ()), ("地方性法规/河南/河南省农业机械化促进条例.md", 32, ()),
         ("地方性法规/浙江/浙江省电子商务条例.md", 31, ()), ("地方性法规/山东/威海市居民养老服务保障条例.md", 62, ()))


def sample_dev10(files=DEV10, per_file=12, salt="dev10:"):
    """12 articles per regulation by hash, ids under EXTRA6 (the dev8f draw rule)."""
    return [EXTRA6 + i[len(EXTRA3):] for i in sample_dev8f(files, per_file, salt)]
# --- end dev10
# --- dev13 (stop 25: fiscal precision and recall samples on text no batch had drawn from) --
# 24 promotion-type and economic regulations of 浙江, 山东 and 河南 (LawRefBook/Laws) that no
# earlier batch used, chosen by a title rule and a hash (the cache's README.txt gives the rule,
# paths and commits), kept whole in a fifth cache outside the project ($PM_CN_EXTRA7, default
# /work/cn-extra7). dev13_pred.py draws from it; ids start with EXTRA7.
EXTRA7 = "cn-extra7/"


def extra7_root():
    return cache_root(EXTRA7)


# dev14: the next 24 titles of the same rule and hash order, kept alike in a sixth cache
# ($PM_CN_EXTRA8, default /work/cn-extra8), drawn after the dev13 fixes.
EXTRA8 = "cn-extra8/"


def extra8_root():
    return cache_root(EXTRA8)


# dev15: the titles after those (ranks 54 on), a seventh cache ($PM_CN_EXTRA9, default
# /work/cn-extra9), drawn after the dev14 fixes.
EXTRA9 = "cn-extra9/"


def extra9_root():
    return cache_root(EXTRA9)


# dev34 (stop 29): 30 regulations of the provinces ../shared lacks, listed from the source's
# own index (data.json of LawRefBook/Laws; its folder listings stop at 100 files), whose
# titles pass the held-out population's title rule (INCLUDE / EXCLUDE above, and not a wage
# bargaining or state-assets title), no title of cn-extra3..9, ordered by
# sha1("dev34:" + province + "/" + title); an eighth cache ($PM_CN_EXTRA10, default
# /work/cn-extra10; README.txt gives the rule, paths and commits, CANDIDATES.tsv the order).
EXTRA10 = "cn-extra10/"


# dev77 (stop 32): every title left under dev34's rule and sha1 order (35), cn-extra3..10 titles left
# out, kept whole in a ninth cache ($PM_CN_EXTRA11, default /work/cn-extra11; README.txt and
# CANDIDATES.tsv give the rule, paths and commits): fresh text of the held-out population's kind.
EXTRA11 = "cn-extra11/"


def extra_files(prefix=EXTRA7):
    """A whole-file cache's regulations as ids' file part (prefix + path in the tree), sorted."""
    root = cache_root(prefix)
    out = []
    for d, _, files in os.walk(root):
        out.extend(prefix + os.path.relpath(os.path.join(d, f), root) for f in files if f.endswith(".md"))
    return sorted(out)
# --- end dev13 / dev14 / dev15


def lookup(root, ident):
    rel, _, num = ident.partition("#")
    path = path_of(root, rel)
    if not os.path.exists(path):
        return None
    for a, t in articles(path):
        if a == num:
            return t
    return None


if __name__ == "__main__":
    shared = os.environ.get("PM_SHARED", os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "shared"))
    root = law_root(shared)
    if sys.argv[1] == "sample":
        for i in sample(root, int(sys.argv[2])):
            print(i)
    elif sys.argv[1] == "sample-promo":
        for i in sample_promo(root, int(sys.argv[2]), set(sample(root, int(sys.argv[3])))):
            print(i)
    elif sys.argv[1] == "sample-dev2":
        # ids already labelled as dev2 stay excluded only from the held-out side: the draw
        # depends on the broad and promo strata alone, so it is stable once recorded
        ho, ids = labelled(os.path.join(os.path.dirname(os.path.abspath(__file__)), "articles.tsv"))
        dev2 = set()
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "articles.tsv"), encoding="utf-8") as f:
            dev2 = set(l.split("\t")[0] + "#" + l.split("\t")[1] for l in f if "\tdev2-" in l)
        for st, i in sample_dev2(root, ho, ids - dev2):
            print(st + "\t" + i)
    elif sys.argv[1] == "sample-dev3":
        tsv = os.path.join(os.path.dirname(os.path.abspath(__file__)), "articles.tsv")
        ho, ids = labelled(tsv)
        with open(tsv, encoding="utf-8") as f:
            later = set(l.split("\t")[0] + "#" + l.split("\t")[1] for l in f if "\tdev2-" in l or "\tdev3-" in l)
        for st, i in sample_dev3(root, ho, ids - later):
            print(st + "\t" + i)
    elif sys.argv[1] == "sample-dev4":
        tsv = os.path.join(os.path.dirname(os.path.abspath(__file__)), "articles.tsv")
        ho, ids = labelled(tsv)
        with open(tsv, encoding="utf-8") as f:
            later = set(l.split("\t")[0] + "#" + l.split("\t")[1] for l in f if "\tdev4-" in l)
        for st, i in sample_dev4(root, ho, ids - later)[:int(sys.argv[2])]:
            print(st + "\t" + i)
    elif sys.argv[1] == "sample-dev5":
        tsv = os.path.join(os.path.dirname(os.path.abspath(__file__)), "articles.tsv")
        ho, ids = labelled(tsv)
        with open(tsv, encoding="utf-8") as f:
            later = set(l.split("\t")[0] + "#" + l.split("\t")[1] for l in f if "\tdev5-" in l)
        for st, i in sample_dev5(root, ho, ids - later)[:int(sys.argv[2])]:
            print(st + "\t" + i)
    elif sys.argv[1] == "sample-dev7":
        for i in sample_dev7():
            print("dev7-extra3\t" + i)
    elif sys.argv[1] == "sample-dev7b":
        for i in sample_dev7(DEV7B, 15, "dev7b:"):
            print("dev7b-extra3\t" + i)
    elif sys.argv[1] == "sample-dev8f":
        for i in sample_dev8f():
            print("dev8f-extra3\t" + i)
    elif sys.argv[1] == "sample-dev8o":  # dev8o (instr2)
        for i in sample_dev8o():
            print("dev8o-extra4\t" + i)
    elif sys.argv[1] == "sample-dev8ob":  # dev8ob (instr2)
        for i in sample_dev8o(DEV8OB, 12, "dev8ob:"):
            print("dev8ob-extra4\t" + i)
    elif sys.argv[1] == "sample-dev9":  # dev9 (instr4)
        for i in sample_dev9():
            print("dev9-extra5\t" + i)
    elif sys.argv[1] == "sample-dev10":  # dev10 (instr5)
        for i in sample_dev10():
            print("dev10-extra6\t" + i)
    elif sys.argv[1] == "show":
        for i in sys.argv[2:]:
            print("@@ " + i + "\n" + (lookup(root, i) or "<missing>") + "\n")
