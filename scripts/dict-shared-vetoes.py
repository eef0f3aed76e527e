#!/usr/bin/env python3
"""dict-shared-vetoes - writes the shared procedure vetoes into every category of instruments.dict.

    scripts/dict-shared-vetoes.py [FILE]     (default: dictionaries/cn/instruments.dict, else
                                              dictionaries/instruments.dict)

The real-article evaluation (tests/eval/instruments, CODEBOOK.md rules 1-3 and 10) showed that
most false instrument hits sit in clauses that state no measure: definitions, penalties and
clawbacks, condition and requirement items, scope and compliance, department duties,
principles, duties of regulated parties, fund management. The .dict format has no file-level
veto, so the same `not` lines stand in every category between the markers
`# >>> shared procedure vetoes` and `# <<<`; this script is their single source. Edit the
lists below, run it, review the diff, run `policyminer dict check` and
`scripts/eval-instruments.py`. Each span stays within one clause (between 。；：, or ，
where marked) and within 120 characters (vetoes start at most VETO_WINDOW bytes before a hit;
scripts/dictlint.py allows vetoes gaps of 120). It never touches anything outside the markers
except inserting the block before the category's purpose/scope comment the first time.
"""
import os
import re
import sys

p = sys.argv[1] if len(sys.argv) > 1 else next(
    f for f in ("dictionaries/cn/instruments.dict", "dictionaries/instruments.dict") if os.path.exists(f))
s=open(p).read()
OLD_HDR='# Purpose, scope, definition and liability clauses state no measure (CODEBOOK rules 1-2).\n'
C='[^。；：\\n]'
B='(?<![^。；：\\n])'
VERBS=('给予|予以|安排|设立|设置|支持|鼓励|扶持|资助|奖励|补助|补贴|引导|推动|推进|促进|加强|加快|加大|'
       '提高|提升|扩大|建设|建立|健全|完善|培育|培养|引进|吸引|开展|组织|提供|实施|推广|发展|优先|保障|'
       '帮助|协助|指导|开放|共享|搭建|打造|构建|创建|落实|增加|降低|减少|减免|免征|免收|简化|精简|优化|'
       '便利|放宽|取消|下放|压缩|不得|禁止|拒绝|采取|利用|运用|应用|纳入|享受|享有|改造|合作|强化|深化|'
       '探索|推行|实行|规划|布局|入股|授予|允许|准许|赋予|培训|招商|举办|参加|参与|拓展|开拓|对接|配套|集聚|转化|研发|攻关|'
       '发挥|开发|安置|攻克|应对|预留|留出|听取|打赢|修订|调整|实现|防治|治理|整治|修复|保护|确保|'
       '争取|力争|努力|着力|聚焦|围绕|大力|积极|持续|逐步|进一步|全面|深入|重点|加速|升级|提质|扶|建')
# A definition that states a tax relief's content (…是指…免征/减征/加计扣除/抵扣…, the verb not
# followed within four characters by 的, or by a list that ends in 的: 减征、免征和抵免的应纳税额, a
# noun): its relief is granted there.
RELIEF='(免征|减征|减半征收|免予缴纳|免于缴纳|加计扣除|抵扣)(?!%s{0,4}的|[、和]%s{0,6}的)' % (C,C)
TAXDEF='(?!%s{0,120}?(是指|系指)%s{0,120}?%s)' % (C,C,RELIEF)
common=[
 '# Clauses (between 。；：) that state no measure, whatever they mention (CODEBOOK rules 1-3):',
 '# definitions, penalties and clawbacks (not 不予追究…责任, which waives one: dev52f; not in a sentence',
 '# that rewards informants, nor 追回被盗… property recovered: dev63f), condition',
 '# items of a list, compliance and scope.',
 '# …except a definition whose content grants a tax relief (所称抵扣应纳税所得额，是指…可以按照其投资额',
 '# 的70%…抵扣; …加计扣除，是指…按照…100%加计扣除: dev25f-miss, dev50f-vetoed); a relief named as a',
 '# noun (减征、免征和抵免的应纳税额, 免征关税的区域) stays a definition.',
 'not = %s%s%s{0,120}?(是指|系指|(资金|经费|费用)(主要)?包括)%s{0,120}' % (B,TAXDEF,C,C),
 'not = %s(?!%s{0,120}?(检举|举报)%s{0,30}?(给予|予以)%s{0,4}奖励)%s{0,120}?(责令|罚款|吊销|没收|进行处罚|予以处罚|给予处罚|行政处罚|约谈|(?<!不予)追究%s{0,8}责任|给予%s{0,4}处分|依法(予以)?(处理|处罚|查处)|追回(?!被盗|失窃|赃)|扣减|扣回|(停止|暂停)(拨付|发放)|通报批评|取消%s{0,8}资格|收回(补贴|补助|资金|奖励|奖金)|骗取|冒领|套取|虚假材料|弄虚作假|不符合规定的|(?<!不得)违反(国家)?规定|未按(照)?规定)%s{0,120}' % (B,C,C,C,C,C,C,C,C),
 'not = %s[（(][一二三四五六七八九十]{1,4}[)）]%s{0,120}的(?=[；。]|$)' % (B,C),
 '# …and an item of a list of documents to file ((一)发行…的申请书；: dev27f-pred).',
 'not = %s[（(][一二三四五六七八九十]{1,4}[)）]%s{0,40}(申请书|申请报告|文件|材料|证明|章程)(?=[；。]|$)' % (B,C),
 '# …unless the clause also grants a preference (执行国家法律、法规和享受…优惠政策: dev errors; a utility',
 '# price at the household or industrial rate, 用电执行居民类价格标准: dev68f).',
 'not = (?<![^。；：，\\n])(?![^。；：，\\n]{0,120}?(享受[^。；：，\\n]{0,30}优惠|执行(居民|工业|农业)[^。；：，\\n]{0,6}价格))[^。；：，\\n]{0,120}?(适用本|参照适用|参照执行|从其规定|依照其规定|(遵守|执行)[^。；：，\\n]{0,30}(规定|标准|规范|规程|法律法规|法律、法规))[^。；：，\\n]{0,120}',
 'not = %s%s{0,120}?(?<!不)(适用本(条例|规定|办法|细则|决定)|参照(本(条例|规定|办法|细则))?(适用|执行))(?=[。；]|$)' % (B,C),
 'not = (?<![^。；：，\\n])[^。；：，\\n]{0,120}?(?<!不)适用于[^。；：，\\n]{0,120}',
 'not = %s%s{0,40}(部门|主管机关|办公厅|委员会)[，、]?(负责|主管)(?!%s{0,120}?(安排|拨付|给予|设立|提供|发放|补贴|补助|奖励))%s{0,120}' % (B,C,C,C),
 'not = %s[（(][一二三四五六七八九十]{1,4}[)）](有|具有|具备)%s{0,120}' % (B,C),
 '# (…unless a government gives in it: 自筹为主、政府适当补助为辅的原则, dev56f)',
 'not = %s(?!%s{0,120}?政府%s{0,6}(补助|补贴|扶持|投入))(?=%s{0,120}?(原则|方针)。?(?=[。；]|$))%s{0,120}' % (B,C,C,C,C),
 'not = %s%s{0,120}?(职责|职权)%s{0,120}?负责%s{0,120}|%s%s{0,120}?负责%s{0,120}?(相关|有关)工作%s{0,120}' % (B,C,C,C,B,C,C,C),
 'not = (?<![^。；：，\\n])[^。；：，\\n]{0,120}?(组织领导|协调机制|议事协调|联席会议|协调解决|督促落实|统筹[^。；：，\\n]{0,12}工作|(?<!投入与|资金与|支持与)考核评价|监督考核|(工作|事业)的领导|(按照|依据|根据)各自(的)?职责)[^。；：，\\n]{0,120}',
]
gate=[
 '# A mention with no measure verb anywhere in its clause is no measure (CODEBOOK rule 1);',
 '# a clause with Latin letters is left alone (English text has other verbs).',
 'not = %s(?![^。；：\\n]{0,120}?(?:%s))[^。；：\\nA-Za-z]{1,120}(?![^。；：\\n])' % (B,VERBS),
]
# In market access a freedom granted is the measure (外商投资企业可以依法经营…, 允许…, 不受…限制):
# its gate also counts these verbs of permission (dev6-other) and the freedoms to hire and
# borrow (台湾同胞投资企业可以在境内外聘用…, 可以向…金融机构借款: dev7b).
# dev8o: exemptions (免于检验), franchises granted and the burdens of a list of banned acts
# (强制…企业…, 摊派) are the measure too.
GATE_EXTRA={'market_access':'可以依法|允许|准许|不受|聘用|招收|雇用|借款|免于|免予|免办|特许|强制|摊派'}
def gate_for(name):
    if name not in GATE_EXTRA:
        return gate
    return gate[:2]+['not = %s(?![^。；：\\n]{0,120}?(?:%s|%s))[^。；：\\nA-Za-z]{1,120}(?![^。；：\\n])' % (B,VERBS,GATE_EXTRA[name])]
GATED=('entry_regulation','inputs','demand','supply_chain')
plans=[
 '# A field written into a plan or made consistent with one is planning, not yet a measure',
 '# (CODEBOOK rule 16: no means named); comma-bounded.',
 '# A clause that drafts a plan for a field (制定…的规划、计划) names no means yet (rule 16; dev1).',
 'not = (?<![^。；：，\\n])[^。；：，\\n]{0,20}(制定|编制)[^。；：，\\n]{0,40}(规划|计划)[^。；：，\\n]{0,10}(?=[。；，]|$)',
 'not = (?<![^。；：，\\n])[^。；：，\\n]{0,60}?(纳入[^。；：，\\n]{0,20}(规划|计划)|规划相(协调|衔接|适应)|与[^。；：，\\n]{0,60}规划相(协调|衔接))[^。；：，\\n]{0,40}',
]
duty=[
 '# A duty laid on the regulated party (X单位/企业/机构…应当) is no support measure (CODEBOOK rule 10);',
 '# so is a duty of an association or chamber (协会、商会应当…开拓市场: dev7).',
 'not = (?<![^。；：，\\n])[^。；：，\\n]{0,60}?(责任|费用|义务)由[^。；：，\\n]{0,16}(承担|负责)[^。；：，\\n]{0,20}',
 'not = %s%s{0,30}(单位|企业|经营者|所有权人|使用人|生产者|销售者|运营者|机构|学校|项目|行业组织|协会|商会|学会|承包人|投资者|纳税人|扣缴义务人)(应当|必须|须)%s{0,120}' % (B,C,C),
]
DUTY=('environmental','tech_rnd','infrastructure','jv_tech_transfer','science_campus','industrial_promotion','export_promotion','labour_talent')
# Supervision of something (对…实施监督检查) is no measure for it; an agency named as where to
# apply or report (向…机构提出申请) is procedure (dev5). Only in the categories whose words name
# projects, services and agencies, which keeps the block cheaper elsewhere.
proc=[
 '# Supervision of a thing (对…实施监督检查), an agency named as where to apply (向…机构申请) (dev5).',
 'not = (?<![^。；：，\\n])[^。；：，\\n]{0,60}?对[^。；：，\\n]{0,40}(实施|进行|加强)监督(检查|管理)[^。；：，\\n]{0,20}',
 'not = 向[^。；：，\\n]{0,40}(机构|部门|机关)(提出|办理|申请|报送|提交|申报)',
]
PROC=('market_access','tech_rnd','infrastructure','labour_talent','environmental','entrepreneurship','science_campus','jv_tech_transfer')
credit=[
 '# Credit sanctions and checks (dev4): 失信联合惩戒 … 予以限制 in funds or procurement, funds or',
 '# awards named as the occasions of a credit check; only in the categories that name such',
 '# occasions (funds, market access, procurement), which keeps the block cheaper elsewhere.',
 'not = (?<![^。；：，\\n])[^。；：，\\n]{0,120}?(予以限制|联合惩戒|失信惩戒)[^。；：，\\n]{0,120}',
 'not = 在[^。；：，\\n]{0,120}?过程中(?=，%s{0,20}(查询|应用)%s{0,12}信用)' % (C,C),
]
CREDIT=('market_access','government_procurement')
money=[
 '# Money words inside a duty to manage, audit or keep funds apart are no measure (CODEBOOK',
 '# rule 1); comma-bounded, so 安排专项资金，专款专用 keeps its measure (监督管理 in an agency\'s name,',
 '# 药品监督管理的部门, is no such duty: dev63f).',
 'not = (?<![^。；：，\\n])[^。；：，\\n]{0,120}?(审计(?!机关|部门|署)|监督检查(?!机构|部门)|监督、(检查|稽查)|(考核|评价|评估|评审)结果[^。；：，\\n]{0,60}挂钩|监督管理(?!部门|的部门|局|机构|机关|总局|委员会)|专款专用|截留|挪用|管理和使用|使用和管理(?!工作)|取得和使用|提取和使用|使用情况|使用进行监督|财务核算|资金管理|资金监管|(补助|捐赠)(所)?形成的(财产|资产)|规定用途|使用绩效|下达|核拨|绩效(报告|评价)|(分配|安排|拨付|支持)的(重要)?依据|作为[^。；：，\\n]{0,48}(依据|参考))[^。；：，\\n]{0,120}',
 '# Money named, not given (dev6-fiscal, dev6b-d, dev7p): in a condition or topic clause (…补助的，),',
 '# after a ban (不得…给予…奖励), as the content of information to publish, as what defines a',
 '# group of recipients (接受…补助的学校, 获得的奖励资金) or in a definition (以下统称), as a',
 '# regulated party\'s own fund or fee duty (X单位应当建立专项资金, 经营者应当减免…费用), as a',
 '# benefit (伤残补助金, 养老补助费, 抚恤费; not where a government organ pays it or a martyr\'s or soldier\'s family enjoys it: 人民政府…发给抚恤金, 烈士遗属享受…抚恤金, dev43f/dev50f/dev56f), as cover for a fund\'s deficit (不敷使用, 调剂后仍有缺口: dev35f), as received',
 '# (接受财政补助, to disclose), as a time reference (补助期满后) or in a clause that delegates',
 '# its rules (…的具体办法由…规定). Where the hit starts at the money word or the party, the',
 '# veto is not anchored at the clause start (cheaper). A condition whose main clause only orders',
 '# it carried out (…减免税…措施的，有关单位必须执行: dev34f) states the measure.',
 'not = (?<![^。；：，\\n])[^。；：，\\n]{0,60}?(补贴|补助|奖励|资助|贴息|资金|经费|基金|担保|贷款|优惠|注入|投入|减税|免税|免征|减征|退税)[^。；：，\\n]{0,60}的(?=，(?![^。；：，\\n]{0,8}(必须|应当)(执行|落实|兑现)))',
 '# (a comma clause that starts with 对 is a new one: 不得打击报复举报人，对…举报人…给予奖励 grants;',
 '# 不得以…为条件，给予…奖励 still bans: dev52f)',
 'not = 不得(?:[^。；：，\\n]|，(?!对)){0,30}?(给予|发放|提供|安排)[^。；：，\\n]{0,16}',
 'not = (财政)?(补贴|补助|基金|资金|奖励)[^。；：，\\n]{0,20}(信息|名录)(?=[；。，]|$)',
 '# Money named in a list of policies to publish or explain (依法公开涉及…奖励、补贴…等政策: dev7).',
 'not = (公开|公布|发布|推送|解读)[^。；：，\\n]{0,40}(补贴|补助|奖励|资金|融资|税费)[^。；：，\\n]{0,30}政策',
 'not = (接受|获得)[^。；：，\\n]{0,12}(补助|补贴|资助|奖励|金融支持|融资|贷款|信贷)(资金)?的|属于[^。；：，\\n]{0,20}(补助|补贴|资助|奖励)[^。；：，\\n]{0,10}的|获得的(奖励|补助|补贴|资助)?(资金|奖金|经费)|财政(补助|投资|资金)(建设|兴建|购置)的',
 '# (not where a government sets the thing up: 国家设立…救助基金(以下简称救助基金): dev52f)',
 'not = (?<![^。；：，\\n])(?![^。；：，\\n]{0,60}?(国家|人民政府|政府|本市|本省)[^。；：，\\n]{0,12}(设立|设置|建立))[^。；：，\\n]{0,120}?[(（]以下(简称|统称)[^。；：，\\n]{0,40}',
 'not = (单位|企业|经营者|所有权人|使用人)(应当|必须|须)[^。；：，\\n]{0,30}(建立|设立|提取|缴存|交纳|缴纳|减免|免收|安排)[^。；：，\\n]{0,20}',
 'not = [^。；：，、\\n]{0,6}(补助|补贴|津贴)金|(医疗|丧葬|养老|救济|抚恤|退职|在职|生活|残废|伤残|工亡|因工|误工|护理|营养)[^。；：，、\\n]{0,4}(补助|补贴)费|(工资|报酬|薪酬)[^。；：，、\\n]{0,4}[、和](?:[^。；：，\\n]{0,6}?(?:奖励|补贴|津贴))+|津贴和补贴|发给津贴|支付[^。；：，\\n]{0,6}津贴|(?<![^。；：\\n])[^。；：\\n]{0,40}(不敷使用|支付不足|收不抵支|(仍有|出现|发生)缺口)[^。；：\\n]{0,40}|(?<![^。；：，\\n])(?![^。；：，\\n]{0,60}?((?<!按照|依照|根据)(国家|人民政府|主管部门)[^。；：，\\n]{0,30}?(发给|发放|增发)|(烈士|军人)[^。；：，\\n]{0,12}享受))[^。；：，\\n]{0,60}?(抚恤|救济)(费|金)[^。；：，\\n]{0,60}',
 'not = (?<![^。；：，\\n])[^。；：，\\n]{0,80}?办法[，、]?由[^。；：，\\n]{0,30}(另行)?(规定|制定)(?=[。；]|$)',
 'not = 接受(国家|政府)?(财政)?[^。；：，、\\n]{0,4}(补助|补贴|资助)|(补助|补贴|资助|扶持)[^。；：，\\n]{0,4}(期满|期限届满)后',
 '# An item of an agency\'s list of powers that approves a preference (（一）…核准其享受税收优惠待遇；)',
 '# is its procedure; the preference is stated where it is granted (dev36f-pred).',
 'not = %s[（(][一二三四五六七八九十]{1,4}[)）]%s{0,60}?(核准|审核|审批|确认)其?享受%s{0,40}' % (B,C,C),
 '# The conditions for getting an award or subsidy (获得…奖励应当同时符合下列条件: dev7p).',
 'not = (获得|申请|享受)[^。；：，\\n]{0,10}(奖励|补贴|补助|资助)(应当|须|必须)(同时)?(符合|具备)',
 # dev8f round (helper instr): insurance and labour benefits paid to an insured person
 # (生育津贴, 伤残津贴, 疾病或非因工负伤救济费) are a benefit, not a support measure (rule 14 keeps
 # 社会保险补贴 and 岗位补贴, which pay employers and job seekers for a measure).
 '# Insurance and labour benefits (生育津贴, 伤残津贴, 工伤…救济费: dev8f round) are no measure.',
 'not = (生育|伤残|工伤|病伤|疾病|死亡|残废|非因工负伤)[^。；：，、\\n]{0,2}(津贴|救济费|救济金)',
 '# Public money as the attribute of a thing (利用财政性资金设立的…机构, 财政性资金投资建设的…基地),',
 '# a grant named as what is applied for (申请政府资助的…项目) and a scope that excludes from',
 '# funding (不列入…财政资金扶持范围) name the money, they give none (dev8f round; 公共资金投资的…: dev14f).',
 'not = [^。；：，、\\n]{0,12}(财政性?|国有|公共)(资金|资本|投资)[^。；：，、\\n]{0,8}(建设|兴建|购置|设立|设置|资助|支持|投资)的|(申请|申报)(政府|财政)?(资助|补贴|补助|奖励)的|不(列入|纳入)[^。；：，\\n]{0,20}(资金|补贴|补助|资助)[^。；：，\\n]{0,6}范围',
 '# Money in a regulated party\'s own plan or accounts (纳入年度生产经营计划和财务预算) and a',
 '# mechanism for sharing running costs (运行维护经费合理负担机制) are no support (dev8f round).',
 '# Benefits computed for an insured person (计发一次性生活补助, 生育补助费四万元), assets that money',
 '# formed (国家对…减免税形成的资产), and what follows 是指 in a definition (dev8f-pred).',
 'not = 计发[^。；：，\\n]{0,16}(补助|补贴|津贴)|(生育|生活|丧葬|医疗|抚恤|伤残|死亡)补助(费|金)[^。；：，、\\n]{0,8}|[^。；：，\\n]{0,30}(资助|减免税|补贴|投资|投入|捐赠|拨款)[^。；：，\\n]{0,8}(所)?形成的(财产|资产)|(是指|系指)(?!%s{0,100}?%s)%s{0,100}' % (C,RELIEF,C),
 'not = (?<![^。；：，\\n])[^。；：，\\n]{0,40}?((纳入|列入)[^。；：，\\n]{0,12}(生产经营计划|财务预算|财务计划)|(经费|资金|费用)[^。；：，\\n]{0,4}(合理)?(负担|分担)机制)',
 '# dev11f-pred: tax relief named as information to hand over (减免税额…等信息), a clause that',
 '# claws relief back (应当补缴…税款: rule 2), setting up a social-insurance fund (建立…保险调剂基金)',
 '# with no subsidy in the clause, allowances an employer pays (由用工单位…给予…补贴, 伙食补贴,',
 '# 无法安排补休的…补助: wages; not where a government organ is among the payers: 由主管部门或者所在单位\n# 给予表彰或者奖励, dev56f), an agency\'s own staff rewarded (工作人员在工作中…奖励: personnel',
 '# management) and free or cheaper entry for groups of visitors (对未成年人、老年人…实行免费或者',
 '# 优惠; (实行)免费或者优惠开放, dev77f; within one comma clause, and not 优惠扶持 or 优惠政策 for a group: dev66f) are no support measure.',
 'not = (减免税|免税|减税|退税)[^。；：，\\n]{0,30}(信息|名录)(?=[；。，]|$)|%s%s{0,120}?补缴%s{0,120}' % (B,C,C),
 'not = (?<![^。；：，\\n])(?![^。；：，\\n]{0,80}?(补贴|补助|奖励))[^。；：，\\n]{0,40}?(设立|设置|建立)[^。；：，\\n]{0,12}(失业|养老|医疗|工伤|生育|社会)保险[^。；：，\\n]{0,4}基金[^。；：，\\n]{0,40}',
 'not = 由(?![^。；：，\\n]{0,30}?(主管部门|人民政府|上级机关|行政机关|行政部门))[^。；：，\\n]{0,12}单位[^。；：，\\n]{0,20}(给予|发给|支付)[^。；：，\\n]{0,20}|(伙食|交通|通讯|高温|夜班|加班|值班|误餐|取暖|降温|出差)(补贴|补助|津贴)|(无法|不能|未能)安排补休的，[^。；：，\\n]{0,6}(给予|发给|支付)[^。；：，\\n]{0,6}(补助|补贴|报酬)',
 'not = (?<![^。；：，\\n])[^。；：，\\n]{0,20}工作人员(在|于)[^。；：\\n]{0,60}?(奖励|表彰)|(未成年人|老年人|残疾人|学生|儿童|军人)[^。；：，\\n]{0,40}(实行|给予|享受|提供)(免费|优惠(?!扶持|政策)|减免)[^。；：，\\n]{0,12}|(实行|予以)?(免费|优惠)[^。；：，\\n]{0,6}开放',
 '# dev12f-pred (promotion-type titles): an organisation rewarding its own staff or members (对其职工、',
 '# 会员的…表彰奖励), fields of equal treatment (在…表彰奖励…等方面…平等对待), rewards inside an',
 '# appraisal (在年度考核中…给予表彰奖励), fees that third parties are encouraged to waive (鼓励…场所…',
 '# 减免相关费用; not the rent of state-owned property: 鼓励通过减免国有历史建筑租金, dev63f), money among the matters a plan fixes (财政经费投入等事项) and a school\'s own',
 '# duties (高等学校应当…加大教学投入; its student aid stays, CODEBOOK fiscal row) are no government support.',
 'not = 对其(职工|员工|会员|干部|成员|工作人员)[^。；：，\\n]{0,30}(表彰|奖励|褒扬)[^。；：，\\n]{0,6}|在[^。；]{0,80}等?方面[^。；]{0,40}(平等对待|同等对待)|(?<![^。；：，\\n])[^。；：，\\n]{0,40}?在[^。；：，\\n]{0,10}(考核|考评)中[^。；：，\\n]{0,40}',
 '# dev16f-pred: a one-off insurance benefit paid (支付一次性生活补助), a time reference (在享受…补助期间), money among',
 '# the factors an evaluation weighs (作为…财政补贴…的重要考量因素), costs borne by the party at fault',
 '# (…由火灾肇事单位或者个人支付) and distribution costs (降低流通费用) are no support measure.',
 'not = (支付|发给|计发)一次性(生活|丧葬)(补助|补贴)|(享受|领取)[^。；：，\\n]{0,12}(补助|补贴|资助)期间|作为[^。；：\\n]{0,80}(考量|考虑|参考)因素|(流通|物流|交易|运输)费用',
 'not = %s%s{0,120}?由%s{0,12}(肇事|责任|违法|侵权|起火)%s{0,12}(单位|个人|者|人)%s{0,6}(支付|承担|负担)%s{0,60}' % (B,C,'[^。；：，\\n]','[^。；：，\\n]','[^。；：，\\n]',C),
 '# dev14f-pred: money denied (没有政府资金支持…的调解) and pay of public staff (其工资…向上浮动或者',
 '# 享受补贴; dev15f: 工资形式、奖励、津贴 a firm fixes, 支付相应津贴 a school pays: the wage veto above)',
 '# are no support measure.',
 'not = (没有|未获|无)[^。；：，、\\n]{0,4}(政府|财政)?(资金|经费)(支持|扶持|补助)|(工资|薪酬)[^。；：，\\n]{0,20}(或者|或|并)[^。；：，\\n]{0,4}(享受|发给)[^。；：，\\n]{0,4}(补贴|津贴)',
 '# dev13f-pred: money named in a reporting duty (将…科技投入…情况…报送) and the approval of funded',
 '# projects (审批财政投入的…项目, 采用投资补助…方式的投资项目) are no government support.',
 'not = %s%s{0,120}?(报送|上报|编报)%s{0,60}' % (B,C,C),
 'not = (审批|审核|审查|核准)[^。；：，\\n]{0,10}(财政投入|资金申请|投资补助|贷款贴息|补助资金)[^。；：，\\n]{0,20}|采用[^。；：，\\n]{0,20}(投资|注入|补助|贴息)[^。；：，\\n]{0,10}方式的[^。；：，\\n]{0,10}项目',
 '# dev errors: a firm rewarding its own staff (企业对…职工…应当给予奖励) and a firm waiving its own',
 '# charges for customers (经营者…免收…月租费用: consumer protection, not rule 6) are no support.',
 'not = (企业|单位)对[^。；：，\\n]{0,30}(职工|员工|人员|集体)[^。；：，\\n]{0,20}(给予|予以)[^。；：，\\n]{0,4}(奖励|表彰)|经营者[^。；：\\n]{0,80}(免收|减免|退还)[^。；：，\\n]{0,12}费',
 'not = 鼓励[^。；：\\n]{0,60}(减免|免收|减收|降低)(?!国有)[^。；：，\\n]{0,12}(费用|收费|[^。；：，\\n]{0,4}(?<!税)费)|(财政|资金|经费)[^。；：，\\n]{0,12}等事项|(?<![^。；：\\n])[^。；：，\\n]{0,10}(学校|高等学校|高校|医院|医疗机构)(应当|必须|须)(?![^。；：\\n]{0,120}?(资助|奖学金|助学金|科技成果[^。；：\\n]{0,40}给予奖励))[^。；：\\n]{0,120}',
 '# dev43f-pred: an award as an item of a body\'s list of duties (（五）表彰、奖励在…中成绩显著的组织和',
 '# 个人；, （六）对…的单位和个人进行表彰、奖励；) names a power, as the dev labels of such lists do.',
 '# Without a comma: an item of a list of measures words its award as a clause (（三）对…先进单位和个人，按照…',
 '# 规定给予表彰和奖励), which stays.',
 'not = (?<![^。；：\\n])[（(][一二三四五六七八九十]{1,4}[)）][^。；：，\\n]{0,60}(表彰|奖励)[^。；：，\\n]{0,60}(?=[；。]|$)',
]
MONEY=('fiscal_financial',)
fields=[
 '# Words in a list of fields (在…等方面 evaluated, funded or eased) name the field, not a',
 '# training or research measure (first-batch labels).',
 'not = 在[^。；]{0,60}等?方面',
]
FIELDS=('labour_talent','tech_rnd')
UNGATED=('business_environment',)
# A word inside 《》 is part of a cited title (《…科技成果转化法》, 《…技术引进合同管理条例》), not a
# measure (dev6-other); only in the entry, inputs and supply-chain groups so far.
titles=[
 '# A word inside 《》 names a cited law or document, not a measure (dev6-other).',
 'not = 《[^》。；\\n]{0,40}》',
]
TITLES=('entry_regulation','inputs','supply_chain')
# --- dev8o (helper instr2): entry, inputs, demand and supply-chain groups only (fiscal untouched)
# A scope sentence that ends in 应当遵守本条例 lists the fields the law covers, not measures
# (CODEBOOK: scope is none); an item of an award's condition list (（三）…作出显著成绩的…)
# names the achievement, not a measure (rule 4: the award is in the lead-in, fiscal).
dev8o=[
 '# Items of a list that name, not state (dev8o, dev8ob): the achievement of an award condition',
 '# (（三）…作出显著成绩的…；, CODEBOOK rule 4: the award is in the lead-in), a class of eligible',
 '# projects or parties (（一）获得…支持的…项目；), information to publish (（六）…培训活动信息；),',
 '# a type of project or industry (（五）资源综合利用和环境保护项目；). One alternation, one veto.',
 'not = %s[（(][一二三四五六七八九十]{1,4}[)）](?:%s{0,120}?(作出|做出|取得)%s{0,10}(成绩|贡献|成效)%s{0,120}|%s{0,120}的%s{0,16}(项目|企业|单位|机构|人员|个人|产品)(?=[；。]|$)|%s{0,80}(信息|名录|目录|指南)(?=[；。]|$)|%s{0,60}(项目|产业)(?=[；。]|$))' % (B,C,C,C,C,C,C,C),
 '# Sentences that are scope (…应当遵守本条例。), officials\' liability (滥用职权…依法予以处理) or a',
 '# rule for sharing proceeds (提取不低于百分之七十的比例用于奖励) state no measure (dev8o, dev8ob).',
 'not = %s%s{0,120}?(?:遵守本(条例|规定|办法|细则|决定)(?=[。；]|$)|(滥用职权|玩忽职守|徇私舞弊|依法予以(处理|处罚|查处)|(提取|计提)%s{0,20}比例)%s{0,120})' % (B,C,C,C),
 '# Criteria of an evaluation (作为…的依据 / 评价因素) name a field, and what an institution\'s',
 '# income is used for is its budget, not a measure (dev labels, dev8o round).',
 'not = (?<![^。；：，\\n])[^。；：，\\n]{0,60}?作为[^。；：，\\n]{0,40}(依据|评价因素|评价指标|考核内容|考核指标)[^。；：，\\n]{0,20}',
 'not = (收入|收益|所得)[^。；：，\\n]{0,10}(主要|应当)?用于[^。；：，\\n]{0,30}',
]
# Duties of schools and associations in the 应以/应按 form or as 负责… (a school's teaching, a
# trade body's management) are duties of the regulated party, as above (dev8o).
dev8o_duty=[
 '# Duties of schools, trade bodies and regulated parties as 应以/应按… or …负责… (dev8o).',
 'not = %s%s{0,30}(单位|企业|机构|学校|行业组织|协会|商会|学会)应(?=以|按|在|依|遵|执|根据)%s{0,120}' % (B,C,C),
 'not = %s%s{0,30}(行业组织|协会|商会|学会|学校)负责%s{0,120}' % (B,C,C),
 'not = %s%s{0,20}(单位|企业|经营者|机构|学校)(?![^。；：，\\n]{0,10}(的|给予|提供|支持))%s{1,10}?(应当|必须)(依法|按照|遵守|执行|符合)%s{0,120}' % (B,C,C,C),
]
# Only in the categories where such clauses gave false hits (the inputs tools, entrepreneurship
# and the park and cluster tools), which keeps the block cheaper elsewhere (dev8o: the other
# gated categories' labels are the same on all development articles without it).
DEV8O_CATS=('labour_talent','land_supply','infrastructure','tech_rnd','environmental','science_campus',
            'jv_tech_transfer','entrepreneurship','tech_park_incubator','industrial_cluster')
# --- end dev8o
cats=re.split(r'(?m)^(?=\[)',s)
res=[]
for c in cats:
    m=re.search(r'(?m)^group\s*=\s*(\w+)',c)
    g=m.group(1) if m else None
    mm=re.match(r'\[(\w+)\]',c); name=mm.group(1) if mm else None
    # drop a previously injected block
    c=re.sub(r'(?ms)^# >>> shared procedure vetoes.*?^# <<<\n','',c)
    if OLD_HDR in c:
        blk=['# >>> shared procedure vetoes (generated block, same in every category)']+common+(gate_for(name) if g in GATED and name not in UNGATED else [])+(plans if g in GATED else [])+(duty if name in DUTY else [])+(credit if g in MONEY or name in CREDIT else [])+(proc if name in PROC else [])+(money if g in MONEY else [])+(fields if name in FIELDS else [])+(titles if g in TITLES else [])+(dev8o if name in DEV8O_CATS else [])+(dev8o_duty if name in DUTY else [])+['# <<<']
        c=c.replace(OLD_HDR,'\n'.join(blk)+'\n'+OLD_HDR,1)
    res.append(c)
open(p,'w').write(''.join(res))
