#!/usr/bin/env python3
"""Writes the golden-test inputs (tests/golden/*/input) deterministically.

The gzip files are built with mtime=0 so re-running this script reproduces them byte for
byte. Run from the repository root:  python3 tests/golden/make-fixtures.py
"""
import gzip
import os

BASIC = [
    dict(id="gd-2015-001", title="广东省人民政府关于加快发展集成电路产业的若干意见",
         issuer="广东省人民政府", docno="粤府〔2015〕12号", date="2015-03-12",
         region="440000", url="http://www.gd.gov.cn/example/1",
         body="各地级以上市人民政府，省政府各部门：\n为加快集成电路产业发展，现提出如下意见。"
              "一、设立省集成电路产业投资基金，采用股权投资方式支持重点项目。"
              "二、对符合条件的企业给予一次性补助，按照贷款实际利息的50%给予贴息。"
              "三、落实高新技术企业税收优惠政策。\n\n广东省人民政府\n二〇一五年三月十二日"),
    dict(id="sz-2016-007", title="深圳市人民政府关于印发深圳市促进新能源汽车产业发展若干措施的通知",
         docno="深府〔2016〕7号", date="2016-05-03",
         body="各区人民政府，市政府直属各单位：\n现将《深圳市促进新能源汽车产业发展若干措施》印发给你们。"
              "对新能源汽车推广应用给予消费补贴，优先保障产业用地，建设充电基础设施。"
              "\n\n深圳市人民政府\n2016年5月3日"),
    dict(id="gwy-2015-028", title="国务院关于印发《中国制造2025》的通知",
         issuer="国务院", docno="国发〔2015〕28号", date="2015-05-08",
         body="各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n"
              "现将《中国制造2025》印发给你们，请认真贯彻执行。推进高端装备制造和新材料产业发展，"
              "加强关键核心技术研发，完善政府采购政策，发挥财政资金引导作用。\n\n国务院\n2015年5月8日"),
    dict(id="hz-sig-001", title="关于推进“最多跑一次”改革的实施意见",
         body="为深化“最多跑一次”改革，优化营商环境，推行一窗受理。\n\n杭州市人民政府\n二〇一七年二月二十日"),
    dict(id="ns-2019-003", title="深圳市南山区人民政府关于支持人工智能产业发展的若干措施",
         issuer="深圳市南山区人民政府", date="2019-08-01",
         body="对新引进的人工智能企业给予租金补贴，对高层次人才给予奖励，支持建设孵化器和众创空间。"),
    dict(id="nodate-001", title="浙江省人民政府办公厅关于推行“标准地”改革的指导意见",
         docno="浙政办发〔2018〕52号",
         body="各市、县（市、区）人民政府：推行“标准地”改革，实行亩均效益评价。\n\n浙江省人民政府办公厅"),
    dict(id="cwq-2003-001", title="崇文区人民政府关于扶持中小企业发展的通知", issuer="北京市崇文区人民政府",
         date="2003-06-30", body="设立中小企业融资担保基金，为中小企业贷款提供担保。"),
    dict(id="entities-001", title="关于A&amp;B园区建设的通知", issuer="苏州工业园区管理委员会",
         date="2020-01-15",
         body="<p>第一段：产业集群 &lt;培育&gt; 计划。</p><p>第二段：建设科技园。</p>"),
]


def doc_xml(d):
    out = ['<doc id="%s">' % d["id"]]
    for key in ("title", "issuer", "docno", "date"):
        if key in d:
            out.append("<%s>%s</%s>" % (key, d[key], key))
    if "region" in d:
        out.append('<region code="%s"/>' % d["region"])
    if "url" in d:
        out.append("<url>%s</url>" % d["url"])
    out.append("<body>%s</body></doc>\n" % d["body"])
    return "".join(out)


def corpus(docs):
    return '<?xml version="1.0" encoding="UTF-8"?>\n<corpus>\n' + "".join(doc_xml(d) for d in docs) + "</corpus>\n"


def gz(data):
    return gzip.compress(data.encode("utf-8") if isinstance(data, str) else data, mtime=0)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def main():
    b = "tests/golden/basic/input/"
    write(b + "a-plain.xml", corpus(BASIC[:3]))
    # multi-member gzip: one member per document group, as `cat a.gz b.gz` produces
    write(b + "b-multi.xml.gz", gz('<corpus>\n' + doc_xml(BASIC[3])) + gz(doc_xml(BASIC[4])) + gz(doc_xml(BASIC[5]) + "</corpus>\n"))
    write(b + "sub/c-single.xml", '<?xml version="1.0"?>\n' + doc_xml(BASIC[6]))
    write(b + "sub/d-entities.xml.gz", gz(corpus(BASIC[7:])))

    x = "tests/golden/bad-input/input/"
    good1 = dict(id="ok-1", title="江苏省人民政府关于推进产业集群发展的意见", date="2018-04-01", body="培育产业集群。")
    good2 = dict(id="ok-2", title="成都市人民政府关于支持生物医药产业发展的通知", date="2019-09-09", body="给予研发补助。")
    # Each good document's body names its id: identical title + body would make a later
    # copy a duplicate_content reject (13- tests that rule on purpose).
    def g(base, i):
        return dict(base, id=i, body=base["body"] + "（" + i + "）")
    good1, good2 = g(good1, "ok-1"), g(good2, "ok-2")
    full = gz(corpus([good1, good2]))
    write(x + "01-truncated.xml.gz", gz('<corpus>' + doc_xml(good1)) + full[: len(full) // 2])
    write(x + "02-trailing-garbage.xml.gz", full + b"THIS IS NOT GZIP DATA")
    write(x + "03-malformed-middle.xml", corpus([good1]).replace("</corpus>\n", "") +
          '<doc id="broken-1"><title>未闭合<body>正文</doc>\n' + doc_xml(good2) + "</corpus>\n")
    bad_utf8 = corpus([dict(id="utf8-bad", title="标题", body="正文XX")]).encode().replace(b"XX", b"\xc0\xaf\xff")
    write(x + "04-bad-utf8.xml", bad_utf8 + corpus([g(good1, "ok-3")]).encode())
    write(x + "05-empty.xml", b"")
    write(x + "06-not-corpus.txt", "This is a plain text file, not a corpus.\n")
    write(x + "07-no-id.xml", "<corpus><doc><title>无编号</title></doc>" + doc_xml(g(good1, "ok-4")) + "</corpus>\n")
    write(x + "08-dtd.xml", '<?xml version="1.0"?>\n<!DOCTYPE corpus [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n'
          '<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n'
          '<corpus><doc id="xxe-1"><body>&xxe;</body></doc><doc id="lol-1"><body>&lol2;</body></doc>' +
          doc_xml(g(good2, "ok-5")) + "</corpus>\n")
    write(x + "09-unclosed-at-eof.xml", "<corpus>" + doc_xml(g(good2, "ok-6")) + '<doc id="cut-1"><body>被截断')
    write(x + "10-duplicate-id.xml", corpus([g(good1, "dup-1"), g(good2, "dup-1")]))
    write(x + "11-utf16.xml", "\ufeff<corpus><doc id='u16'><body>x</body></doc></corpus>".encode("utf-16-le"))
    write(x + "12-nul.xml", corpus([dict(id="nul-1", body="a\x00b")]) )
    # the same page re-crawled under another id: kept once (duplicate_content)
    write(x + "13-duplicate-content.xml", corpus([dict(good1, id="recrawl-of-ok-1")]))

    # Diffusion: one hand-made cascade of 河长制 whose statistics are worked out in
    # tests/golden/diffusion/README.md, plus a citation that must not count as adoption.
    rc = [
        ("rc-wuxi", "无锡市人民政府关于全面建立河长制的实施意见", "无锡市人民政府", "2007-08-01"),
        ("rc-suzhou", "苏州市人民政府关于推行河长制的通知", "苏州市人民政府", "2008-06-01"),
        ("rc-changzhou", "常州市水利局关于学习借鉴无锡河长制经验做法的通知", "常州市水利局", "2008-09-01"),
        ("rc-jiangsu", "江苏省人民政府办公厅关于在全省推行河长制的通知", "江苏省人民政府办公厅", "2009-03-01"),
        ("rc-huzhou", "湖州市人民政府关于全面实施河长制的意见", "湖州市人民政府", "2012-05-01"),
        ("rc-centre", "关于全面推行河长制的意见", "中共中央办公厅", "2016-12-11"),
        ("rc-kunshan", "昆山市人民政府关于深化河长制工作的实施方案", "江苏省昆山市人民政府", "2017-03-01"),
    ]
    docs = [dict(id=i, title=t, issuer=iss, date=d, body=t + "。") for i, t, iss, d in rc]
    write("tests/golden/diffusion/input/cascade.xml", corpus(docs[::-1]))


if __name__ == "__main__":
    main()
