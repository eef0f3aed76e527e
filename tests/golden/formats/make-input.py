#!/usr/bin/env python3
"""Writes tests/golden/formats/input: one corpus mixing every input format.

HTML pages (GBK with an info table, gzip UTF-8 with <meta>, broken markup, a page whose
bytes are invalid in its declared charset), a WARC crawl compressed one gzip member per
record (warcinfo / request / metadata / image / redirect records to skip, an HTML response
whose charset comes from the HTTP header, a record with a wrong Content-Length, a truncated
last member), JSON Lines plain and gzip (with the field names of --map in `args`, a non-JSON
line, a blank line, a line without the id), and one corpus XML file.
gzip members are written with mtime=0 so re-running reproduces the files byte for byte.
Run from the repository root:  python3 tests/golden/formats/make-input.py
"""
import gzip
import json
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "input")


def gz(data):
    return gzip.compress(data, compresslevel=6, mtime=0)


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


GD_PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>广东省人民政府关于加快发展集成电路产业的若干意见_广东省人民政府门户网站</title>
<link rel="canonical" href="http://www.gd.gov.cn/zwgk/wjk/qbwj/yf/content/post_1.html">
<script>document.write("<p>广告</p>");</script></head>
<body><div class="top-nav">首页 &gt; 政务公开 &gt; 文件库</div>
<table class="xxgk"><tr><td>索 引 号：</td><td>006939748/2015-00012</td><td>主题分类：</td><td>工业、交通</td></tr>
<tr><td>发文机关：</td><td>广东省人民政府</td><td>成文日期：</td><td>2015年03月12日</td></tr>
<tr><td>标　　题：</td><td>广东省人民政府关于加快发展集成电路产业的若干意见</td></tr>
<tr><td>发文字号：</td><td>粤府〔2015〕12号</td><td>发布日期：</td><td>2015年03月20日</td></tr></table>
<div class="article"><div id="UCAP-CONTENT">
<p>各地级以上市人民政府，各县（市、区）人民政府，省政府各部门、各直属机构：</p>
<p>　　为加快我省集成电路产业发展，现提出如下意见。设立省集成电路产业投资基金，采用股权投资方式支持重点项目；
对符合条件的企业给予一次性补助，按照贷款实际利息的50%给予贴息；落实高新技术企业税收优惠政策。</p>
<p align="right">广东省人民政府<br>2015年3月12日</p>
</div></div>
<div class="footer">主办：广东省人民政府办公厅　版权所有</div></body></html>
"""

MEITI_PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="ArticleTitle" content="杭州市人民政府办公厅关于推进数字经济发展的实施意见">
<meta name="PubDate" content="2018-09-30 16:20">
<meta name="ContentSource" content="杭州市人民政府办公厅">
<meta name="Url" content="http://www.hangzhou.gov.cn/art/2018/9/30/art_1.html">
<title>杭州市人民政府办公厅关于推进数字经济发展的实施意见</title></head>
<body><header><nav><a href="/">首页</a></nav></header>
<main><article><h1>杭州市人民政府办公厅关于推进数字经济发展的实施意见</h1>
<p>发文字号：杭政办函〔2018〕90号</p>
<p>各区、县（市）人民政府，市政府各部门、各直属单位：</p>
<p>为推进数字经济发展，加快建设5G网络和数据中心，对重点项目给予财政补助，支持企业上云。</p>
</article></main><footer>杭州市人民政府办公厅 主办</footer></body></html>
"""

BROKEN_PAGE = """<html><head><title>国务院关于推行河长制的意见 - 中国政府网</title>
<body><div class=content><p>各省、自治区、直辖市人民政府：<p>全面推行河长制，落实地方党政领导河湖管理保护主体责任
<div><span>建立健全以党政领导负责制为核心的责任体系</div></span></p>
<table><tr><td>国务院<td>2016年11月28日</table>
<p>最后一段未闭合 &amp; &nbsp; &bogus; <<>
"""

BAD_ENC_PAGE = (b'<html><head><meta charset="gb2312"><title>x</title></head><body>'
                b'\xb9\xe3\xb6\xab\x81\x20\xff\xff</body></html>\n')


SERIAL = [0]


def warc_record(typ, uri, ctype, block, extra=0):
    """One record; extra > 0 makes Content-Length lie by that many bytes."""
    SERIAL[0] += 1
    head = ("WARC/1.0\r\nWARC-Type: %s\r\nWARC-Record-ID: <urn:uuid:%08d-0000-0000-0000-000000000000>\r\n"
            "WARC-Date: 2024-05-01T08:00:00Z\r\n%sContent-Type: %s\r\nContent-Length: %d\r\n\r\n"
            % (typ, SERIAL[0], "WARC-Target-URI: %s\r\n" % uri if uri else "", ctype, len(block) + extra))
    return head.encode() + block + b"\r\n\r\n"


def http(status, headers, body):
    h = "HTTP/1.1 %s\r\n" % status + "".join("%s: %s\r\n" % kv for kv in headers) + "\r\n"
    return h.encode() + body


SZ_PAGE = """<html><head><title>深圳市人民政府关于印发深圳市促进新能源汽车产业发展若干措施的通知</title></head>
<body><div class="breadcrumb">首页 &gt; 政策</div><div class="TRS_Editor">
<p>深府〔2016〕7号</p><p>各区人民政府，市政府直属各单位：</p>
<p>对新能源汽车推广应用给予消费补贴，优先保障产业用地，建设充电基础设施。</p>
<p>深圳市人民政府</p><p>2016年5月3日</p></div></body></html>
"""

WUHAN_PAGE = """<html><head><meta name="ArticleTitle" content="武汉市人民政府关于加快光电子信息产业发展的意见">
</head><body><p>索引号：011043945/2017-00021</p><p>发文机关：武汉市人民政府</p>
<p>各区人民政府，市人民政府各部门：</p><p>设立光电子产业投资基金，对研发投入给予奖励。</p></body></html>
"""


def crawl():
    app = "application/http; msgtype=response"
    recs = [
        warc_record("warcinfo", "", "application/warc-fields", b"software: make-input.py\r\nformat: WARC File Format 1.0\r\n"),
        warc_record("request", "http://www.sz.gov.cn/zfgb/2016/a.html", "application/http; msgtype=request",
                    b"GET /zfgb/2016/a.html HTTP/1.1\r\nHost: www.sz.gov.cn\r\n\r\n"),
        warc_record("response", "http://www.sz.gov.cn/zfgb/2016/a.html", app,
                    http("200 OK", [("Content-Type", "text/html; charset=GBK")], SZ_PAGE.encode("gb18030"))),
        warc_record("metadata", "http://www.sz.gov.cn/zfgb/2016/a.html", "application/warc-fields",
                    b"outlink: http://www.sz.gov.cn/logo.png\r\n"),
        warc_record("response", "http://www.sz.gov.cn/logo.png", app,
                    http("200 OK", [("Content-Type", "image/png")], b"\x89PNG\r\n\x1a\n")),
        warc_record("response", "http://www.wuhan.gov.cn/old", app,
                    http("301 Moved Permanently", [("Location", "/new")], b"")),
        warc_record("response", "http://www.wuhan.gov.cn/zwgk/2017/b.html", app,
                    http("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Transfer-Encoding", "chunked")],
                         b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in
                                  [WUHAN_PAGE.encode()[:100], WUHAN_PAGE.encode()[100:]]) + b"0\r\n\r\n")),
        # Content-Length 25 bytes too long: rejected, the next record is still found
        warc_record("response", "http://www.cq.gov.cn/bad-length.html", app,
                    http("200 OK", [("Content-Type", "text/html")], b"<html><body>x</body></html>"), extra=25),
        warc_record("response", "http://www.cq.gov.cn/ok.html", app,
                    http("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                         "<html><head><title>重庆市人民政府关于促进工业经济发展的通知_重庆市人民政府网</title></head>"
                         "<body><p>对技术改造项目给予补助。</p><p>重庆市人民政府</p><p>2019年6月1日</p></body></html>".encode())),
    ]
    data = b"".join(gz(r) for r in recs)
    last = gz(warc_record("response", "http://www.cq.gov.cn/truncated.html", app,
                          http("200 OK", [("Content-Type", "text/html")], ("<html><body>" + "".join("第%d条被截断的内容；" % i for i in range(400))).encode()
                               + b"</body></html>")))
    return data + last[: len(last) // 2]


JSONL = [
    {"gid": "jl-2020-001", "Title": "吉林省人民政府关于支持民营经济发展的若干意见", "IssueDepartment": "吉林省人民政府",
     "DocumentNO": "吉政发〔2020〕3号", "IssueDate": "2020-02-14",
     "FullText": ["各市（州）人民政府：", "对小微企业给予贷款贴息，减免房产税和城镇土地使用税。"]},
    {"gid": 20210007, "Title": "郑州市人民政府关于印发郑州市促进大数据产业发展若干政策的通知",
     "DocumentNO": "郑政〔2021〕7号", "IssueDate": "2021-03-05", "url": "http://www.zhengzhou.gov.cn/x/7.html",
     "FullText": "设立大数据产业发展专项资金，对数据中心用电给予补贴。\n\n郑州市人民政府\n2021年3月5日"},
]


def jsonl():
    lines = [json.dumps(d, ensure_ascii=False) for d in JSONL]
    lines.insert(1, "this line is not JSON")
    lines.insert(2, "")
    lines.append(json.dumps({"Title": "没有编号的记录", "FullText": "缺少 gid"}, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode()


JSONL_GZ = [
    {"gid": "hb-2019-012", "Title": "湖北省人民政府关于推进制造业高质量发展的意见", "IssueDepartment": "湖北省人民政府",
     "IssueDate": "2019-08-20", "FullText": "实施技术改造专项，给予税收优惠。"},
    {"gid": "hb-2019-013", "Title": ["not", "a", "string"], "FullText": "标题字段类型错误"},
]

XML = """<?xml version="1.0" encoding="UTF-8"?>
<corpus><doc id="xml-2017-001"><title>四川省人民政府关于推进军民融合产业发展的意见</title>
<issuer>四川省人民政府</issuer><docno>川府发〔2017〕9号</docno><date>2017-04-10</date>
<body>设立军民融合产业发展基金，给予研发补助。</body></doc></corpus>
"""


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))
    write("01-gd-gbk.html", GD_PAGE.encode("gb18030"))
    write("02-hz-meta.html.gz", gz(MEITI_PAGE.encode()))
    write("03-broken.htm", BROKEN_PAGE.encode())
    write("04-bad-encoding.html", BAD_ENC_PAGE)
    write("05-crawl.warc.gz", crawl())
    write("06-export.jsonl", jsonl())
    write("07-export.jsonl.gz", gz(("\n".join(json.dumps(d, ensure_ascii=False) for d in JSONL_GZ) + "\n").encode()))
    write("08-corpus.xml", XML.encode())


if __name__ == "__main__":
    main()
