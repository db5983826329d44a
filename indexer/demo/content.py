"""The words of the synthetic bulletins: section headings, department business, sentence templates.

Every sentence here is written for this project; none is taken from a real bulletin. Department names
come from ``indexer.parsing.departments`` so the demo names exactly the departments the parser knows, in the
canonical form and in the other forms the real bulletins use.

Templates are ``str.format`` strings. Placeholders filled by the generator:
``{dept}`` a written form of the section's department, ``{dept2}`` a second department, ``{biz}`` one
of the department's business items, ``{date}`` a date such as 11月21日, ``{n}``/``{m}``/``{k}`` small
numbers, ``{pct}`` a percentage, ``{topic}`` a reform topic, ``{firm}`` a fictional enterprise,
``{city}`` a city or prefecture of Sichuan, ``{person}``/``{role}`` an official.
"""
from __future__ import annotations

from ..parsing.departments import DEPARTMENT_ALIASES, SINGLE_FORM_DEPARTMENTS

CENTER_NAME = "四川省政府政务服务和公共资源交易服务中心"
WEEKLY_TITLE = "窗口工作周报"
MONTHLY_TITLE = "政务窗口月报"
WEEKLY_SUBTITLE = "政务服务工作"

# Level-1 and level-2 headings and the section type each one names (docs/bulletins.md's table).
H_STATS_WEEKLY = "省级政务服务事项受理办理情况"
H_WINDOW_NEWS = "窗口工作动态"
H_BUSINESS_ENV = "优化营商环境工作开展情况"
H_EFFICIENCY = "窗口服务效能提升工作情况"
H_DIRECTOR_VISIT = "厅（局）长进大厅"
H_HALL_PATROL = "大厅巡查情况"
H_ONE_WINDOW = "综窗改革攻坚行动"
H_ONE_THING = "“高效办成一件事”专项行动"
H_GOV_NEWS = "政务工作动态"
H_KEY_WORK = "重点工作推进情况"
H_WINDOW_BRIEFS = "窗口资讯"
H_ATTACHMENT = "附件"

SECTION_TYPES = {
    H_STATS_WEEKLY: "办件统计",
    "总体运行情况": "办件统计",
    H_BUSINESS_ENV: "营商环境",
    H_WINDOW_NEWS: "窗口动态",
    H_EFFICIENCY: "窗口动态",
    H_WINDOW_BRIEFS: "窗口动态",
    H_DIRECTOR_VISIT: "厅长进大厅",
    H_HALL_PATROL: "大厅巡查",
    H_ONE_WINDOW: "综窗改革",
    H_GOV_NEWS: "政务动态",
    H_ONE_THING: "一件事",
    H_KEY_WORK: "重点工作",
    H_ATTACHMENT: "附件",
}


def section_type(heading_path) -> str:
    """The type named by the most specific heading of the path (the generator's own truth)."""
    for heading in reversed(list(heading_path)):
        for name, kind in SECTION_TYPES.items():
            if heading.endswith(name) or heading == name:
                return kind
    return heading_path[-1] if heading_path else ""


def written_forms_of(canonical: str) -> tuple[str, ...]:
    """The canonical name and the short forms docs/bulletins.md lists (the ones bulletins really use)."""
    return (canonical,) + DEPARTMENT_ALIASES.get(canonical, ())


# What each department's window handles: used to make items specific and searchable.
DEPARTMENT_BUSINESS: dict[str, tuple[str, ...]] = {
    "应急管理厅": ("危险化学品安全生产许可", "烟花爆竹批发经营许可", "非煤矿山安全生产许可", "安全评价机构资质认可"),
    "省卫生健康委": ("医疗机构执业登记", "放射诊疗许可", "母婴保健技术服务许可", "职业卫生技术服务机构资质认可"),
    "经济和信息化厅": ("无线电台站设置审批", "民用爆炸物品生产许可", "工业项目节能审查"),
    "住房城乡建设厅": ("建筑业企业资质审批", "房地产开发企业资质核定", "工程监理企业资质审批", "建设工程消防设计审查"),
    "文化和旅游厅": ("旅行社业务经营许可", "营业性演出审批", "娱乐场所经营许可"),
    "省市场监管局": ("特种设备生产单位许可", "检验检测机构资质认定", "工业产品生产许可", "企业名称登记"),
    "省广电局": ("广播电视节目制作经营许可", "卫星电视广播地面接收设施安装许可", "有线电视站设立审批"),
    "省林草局": ("使用林地审核", "林木种子生产经营许可", "野生动物人工繁育许可"),
    "省药监局": ("药品批发企业经营许可", "第二类医疗器械注册", "化妆品生产许可"),
    "人力资源社会保障厅": ("人力资源服务许可", "劳务派遣经营许可", "职业技能等级认定备案"),
    "省发展改革委": ("企业投资项目核准", "固定资产投资项目节能审查", "政府投资项目可行性研究报告审批"),
    "交通运输厅": ("大件运输许可", "道路运输经营许可", "公路建设项目施工许可"),
    "四川省税务局": ("增值税发票领用", "跨区域涉税事项报告", "出口退税备案"),
    "四川消防救援总队": ("公众聚集场所投入使用前消防安全检查", "消防技术服务机构备案"),
    "省政府办公厅": ("政务服务事项目录管理", "政务服务评价工作"),
    "教育厅": ("中外合作办学项目审批", "教师资格认定", "民办学校设立审批"),
    "科技厅": ("高新技术企业认定", "外国人来华工作许可", "科技型中小企业评价"),
    "公安厅": ("出入境证件办理", "机动车检验机构资格管理", "保安服务公司设立许可"),
    "民政厅": ("社会团体成立登记", "民办非企业单位登记", "慈善组织认定"),
    "司法厅": ("律师执业许可", "公职律师证办理", "司法鉴定机构登记"),
    "财政厅": ("代理记账机构审批", "政府采购供应商投诉处理", "会计师事务所执业许可"),
    "自然资源厅": ("建设用地预审", "测绘资质审批", "地质灾害防治单位资质审批", "采矿权登记"),
    "生态环境厅": ("建设项目环境影响评价审批", "辐射安全许可", "危险废物经营许可"),
    "水利厅": ("取水许可", "生产建设项目水土保持方案审批", "水利工程质量检测单位资质认定"),
    "农业农村厅": ("兽药经营许可", "农作物种子生产经营许可", "渔业捕捞许可"),
    "商务厅": ("对外贸易经营者备案", "外商投资企业信息报告", "单用途商业预付卡备案"),
    "退役军人事务厅": ("退役军人优待证申领", "烈士褒扬事项办理"),
    "审计厅": ("内部审计业务指导", "审计整改情况报备"),
    "省医保局": ("定点医药机构协议管理", "异地就医备案", "医保关系转移接续"),
    "省统计局": ("涉外调查机构资格认定", "统计调查项目审批"),
    "省体育局": ("高危险性体育项目经营许可", "体育类民办非企业单位审查"),
    "省新闻出版局": ("出版物批发业务许可", "印刷经营许可", "音像制品制作许可"),
    "省测绘地理信息局": ("测绘成果提供使用审批", "地图审核"),
    "省大数据中心": ("一体化政务服务平台运维", "电子证照共享调用"),
    "省委金融办": ("小额贷款公司设立审批", "融资担保公司设立审批"),
    "省残联": ("残疾人证办理", "残疾人辅助器具适配服务"),
}
assert set(DEPARTMENT_BUSINESS) == set(DEPARTMENT_ALIASES) | set(SINGLE_FORM_DEPARTMENTS)

# Departments that keep a window in the hall and appear often; the rest appear now and then.
FREQUENT_DEPARTMENTS = (
    "应急管理厅", "省卫生健康委", "住房城乡建设厅", "交通运输厅", "自然资源厅", "水利厅", "省市场监管局",
    "人力资源社会保障厅", "生态环境厅", "文化和旅游厅", "商务厅", "省林草局", "省药监局", "公安厅",
)

# National and city bodies that share words with provincial departments: named but never counted.
NOT_PROVINCIAL = ("住房和城乡建设部", "国家矿山安全监察局", "广电总局", "国务院办公厅", "国家发展改革委",
                  "成都市市场监管局", "应急管理部", "国家卫生健康委")

CITIES = ("成都", "绵阳", "德阳", "自贡", "泸州", "宜宾", "乐山", "南充", "达州", "广安", "遂宁", "内江",
          "眉山", "雅安", "巴中", "广元", "攀枝花", "资阳", "凉山州", "甘孜州", "阿坝州")

# Fictional enterprises: a prefix, a trade and a suffix make thousands of names.
FIRM_PREFIX = ("蜀锦", "天府", "锦江", "川瑞", "峨眉", "青城", "岷江", "嘉陵", "沱江", "蓉城", "巴山", "雅砻",
               "金沙", "龙泉", "西岭", "九寨")
FIRM_TRADE = ("建设工程", "化工", "医疗器械", "物流", "文化传媒", "检测技术", "新能源", "生物医药", "矿业",
              "旅游开发", "环保科技", "智能装备", "食品", "电子信息")
FIRM_SUFFIX = ("有限公司", "股份有限公司", "集团有限公司")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
GIVEN_CHARS = "明华建国志平强军文斌勇涛杰伟峰磊洪林俊宏新春晓丽静敏燕红芳霞娟云川蓉渝岚杉"
ROLES = ("党组书记、厅长", "党组成员、副厅长", "一级巡视员", "二级巡视员", "副局长", "党组成员、副局长",
         "总工程师", "机关党委书记", "副主任")

TOPICS = ("告知承诺制", "容缺受理", "帮办代办", "延时错时服务", "电子证照应用", "“一网通办”", "“跨省通办”",
          "“免证办”", "全程网办", "并联审批", "免费邮寄送达", "“好差评”", "政务服务标准化", "首问负责制",
          "一次性告知", "预约办理", "周末不打烊", "远程视频勘验")

# ---------------------------------------------------------------------------------------------
# The statistics paragraphs (weekly and monthly) are written by figures.py, from a model of the series.
# ---------------------------------------------------------------------------------------------
# Items.  An item is an opener, one to four detail sentences and usually a closing sentence.
BUSINESS_ENV_OPENERS = (
    "{dept}围绕{biz}事项，对申报流程逐环节梳理，将申请材料由{n}项精简至{m}项，承诺办结时限压缩{pct}。",
    "{date}，{dept}窗口推出{biz}“{topic}”服务，企业提交承诺书后即可先行办理，后续材料在规定期限内补齐。",
    "为进一步降低企业办事成本，{dept}对{biz}实行{topic}，申请人在网上提交材料后无需再到窗口递交纸质件。",
    "{dept}聚焦企业反映集中的堵点，在{biz}中全面推行{topic}，全年预计可为企业节省办事时间{k}个工作日以上。",
    "近期，{dept}窗口联合业务处室对{biz}的审查标准进行了统一，编印办事指南{n}册，做到同一事项同一标准。",
    "{date}，{dept}在省政务服务大厅召开{biz}政策解读会，{k}家企业代表到场参会。",
)
EFFICIENCY_OPENERS = (
    "{date}，{dept}窗口工作人员赴{city}{firm}开展上门服务，现场指导企业准备{biz}申请材料。",
    "{date}，{dept}窗口为{city}{firm}等{n}家单位提供{biz}申报前上门辅导服务，帮助企业查漏补缺。",
    "近日，{dept}窗口主动上门服务{firm}，就{biz}申请中的疑难问题进行现场答疑。",
    "{date}，{dept}窗口举办{biz}网上申报操作培训，来自{city}等地的{k}名企业经办人员参加。",
    "{dept}窗口针对{biz}办件量大的实际，增设{n}个专门受理岗位，高峰时段实行弹性排班。",
    "近日，{dept}在窗口试行{topic}，对{biz}等高频事项提供“一对一”指导。",
    "{date}，{dept}窗口为{firm}开通{biz}绿色通道，在收到完整材料后{n}个工作日内办结。",
    "{dept}持续推进{biz}电子化改革，证照生成后同步推送至申请人手机端，可在线查验、下载和打印。",
    "{date}，{dept}窗口收到{firm}送来的锦旗，感谢窗口在{biz}办理中的耐心指导。",
)
DIRECTOR_VISIT_OPENERS = (
    "{date}，{dept}{role}{person}到省政务服务大厅{dept}窗口开展“厅（局）长进大厅”活动，在受理台前接待办事群众。",
    "{date}，{dept}{role}{person}来到省政务服务和资源交易服务中心，走进{dept}窗口值守，体验{biz}办理全过程。",
    "{date}，{dept}{role}{person}带队到窗口调研，听取窗口负责人关于{biz}办理情况的汇报。",
)
DETAILS = (
    "窗口对照法律法规逐条核对申请条件，对不需要提交的材料一律不再要求。",
    "工作人员现场演示了网上申报系统的操作步骤，并对企业提出的{n}个具体问题逐一作了解答。",
    "针对材料中存在的格式不规范、签章缺失等问题，窗口出具了一次性告知单，明确了补正要求和时限。",
    "截至目前，该事项已累计办理{k}件，平均办理时间较法定时限缩短{pct}，未出现超期办件。",
    "窗口同步梳理了常见问题清单，在政务服务网办事指南中予以公开，方便企业提前了解。",
    "此次服务共发放宣传资料{k}份，收集意见建议{n}条，均已转交相关业务处室研究办理。",
    "与上年同期相比，该事项网上申办率提高了{pct}，群众跑动次数明显减少。",
    "会上还通报了近期退回件的主要原因，提醒企业在申报前认真对照材料清单进行自查。",
    "窗口与{dept2}窗口建立了会商机制，对涉及两个部门的申请实行同步受理、并联审查。",
    "下一步，窗口将持续跟踪企业申报进度，对关键环节提前介入、主动服务。",
    "该做法有效解决了企业多头跑、反复交材料的问题，受到申请单位一致好评。",
    "窗口还就{topic}的适用范围和办理流程进行了说明，企业表示对政策有了更清楚的认识。",
    "参照{nat}相关规定，窗口对审查要点作了细化，形成了可操作的内部工作规程。",
    "活动结束后，窗口对服务台账进行了更新，将办理情况纳入月度考核。",
)
DIRECTOR_DETAILS = (
    "{person}详细询问了窗口人员配置、事项进驻和网上办件等情况，对窗口近期工作给予肯定。",
    "他要求厅窗口牢固树立服务意识，把企业和群众的评价作为检验工作成效的重要标准。",
    "她强调，窗口要持续压减办理时限和申请材料，让企业少跑腿、好办事。",
    "在与办事群众交流时，{person}认真听取了大家对{biz}办理的意见，并现场协调解决了{n}个具体问题。",
    "{person}指出，窗口是展示部门形象的重要平台，要严格落实首问负责、限时办结等制度。",
    "随后，{person}与窗口工作人员进行座谈，对加强业务学习和作风建设提出了明确要求。",
)
CLOSINGS = (
    "企业负责人表示，窗口的主动服务让他们对后续申报更有信心。",
    "下一步，窗口将总结经验做法，逐步推广到其他高频事项。",
    "此举进一步提升了审批效率和服务质量。",
    "窗口将持续做好跟踪服务，确保政策红利落地见效。",
    "",
)

# 综窗改革攻坚行动 and “高效办成一件事” items (later years).
ONE_WINDOW_OPENERS = (
    "{date}，综合窗口新增承接{dept}{biz}等{n}个事项的收件工作，实现“前台综合受理、后台分类审批、综合窗口出件”。",
    "本周，综合窗口共为{dept}和{dept2}代收申请材料{k}件，转办及时率达到100%。",
    "{date}，中心组织{dept}窗口与综合窗口工作人员开展业务交流，对{biz}收件标准进行了逐项对照。",
)
ONE_THING_OPENERS = (
    "{date}，{dept}牵头的“{thing}”一件事在省级平台上线运行，申请人通过一张表单即可办理{n}个关联事项。",
    "{dept}会同{dept2}梳理“{thing}”一件事办理流程，将原来的{n}个环节整合为{m}个，申请材料减少{pct}。",
    "截至{date}，“{thing}”一件事累计办件{k}件，平均办理时间压缩至{m}个工作日。",
)
ONE_THINGS = ("企业信息变更", "开办运输企业", "新生儿出生", "退休", "开办餐饮店", "水电气网联合报装",
              "企业破产信息核查", "残疾人服务", "二手房转移登记及水电气联动过户", "科技成果转化")

# Hall patrol: an intro paragraph and tiny items "（一）Topic。Finding。".
PATROL_INTRO = (
    "为保持大厅良好的服务秩序，中心政务服务管理部门按照窗口管理办法，每周对各部门窗口进行随机巡查，"
    "巡查结果纳入窗口季度考评。本周巡查情况如下：",
    "按照大厅规范化、标准化管理要求，本周中心对进驻窗口的到岗、着装、服务用语和现场秩序等进行了抽查，"
    "发现问题当场反馈、限期整改。具体情况如下：",
    "本周，中心采取现场巡查与视频巡查相结合的方式，对大厅各服务区域开展日常检查，情况如下：",
)
PATROL_ITEMS = (
    ("在岗在位", ("各窗口人员均按时到岗。", "未发现空岗、脱岗现象。", "个别窗口晨会后到岗稍迟，已提醒。")),
    ("仪容着装", ("工作人员统一着装，仪表规范。", "着装整齐，总体良好。")),
    ("工牌佩戴", ("均按要求佩戴工作牌。", "佩戴规范，无遗漏。")),
    ("台面整洁", ("窗口台面物品摆放有序。", "总体整洁，个别窗口已整改。")),
    ("服务用语", ("文明用语使用规范。", "未发现生硬推诿现象。")),
    ("现场秩序", ("等候区秩序良好，叫号顺畅。", "高峰时段引导及时，秩序井然。")),
    ("设备运行", ("自助终端和叫号系统运行正常。", "评价器均能正常使用。")),
)

# Monthly: 政务工作动态 paragraphs, 重点工作推进情况 inline headings, 窗口资讯 briefs.
GOV_NEWS = (
    "{date}，{dept}印发《关于进一步提升政务服务效能的若干措施》，从事项管理、办事流程、数据共享和监督评价"
    "{n}个方面提出{k}条具体举措，明确各项任务的责任单位和完成时限。",
    "{date}，全省政务服务工作推进会召开。会议总结了前一阶段{topic}工作成效，部署了下一阶段重点任务，"
    "要求各地各部门对照清单逐项推进，{dept}等部门作了交流发言。",
    "{date}，{dept}会同{dept2}出台《政务服务事项动态管理办法》，建立事项新增、调整、取消的常态化工作机制，"
    "进一步规范全省政务服务事项目录。",
)
KEY_WORK_TOPICS = (
    ("数字政府建设", "推进省级一体化平台功能迭代，完成{n}个业务系统的对接联调；配合{dept}开展数据质量治理，"
     "累计清洗数据{k}万条；组织开展平台压力测试，保障月末办件高峰平稳运行。"),
    ("惠企政策精准推送", "会同{dept}、{dept2}等部门对新出台的惠企政策逐条拆解，形成可办理事项{n}个；"
     "通过企业服务专区向{k}家企业精准推送政策信息，政策知晓率进一步提升。"),
    ("政务服务增值化改革", "联合{dept}在{city}开展涉企服务专场活动，围绕{biz}等事项提供政策咨询和办事指导，"
     "现场收集企业诉求{n}条，已办结{m}条。"),
    ("重点事项集成办理", "新上线“{thing}”等{n}个重点事项，{dept}、{dept2}等部门完成系统对接；"
     "已上线事项本月累计办件{k}件，平均减少跑动{m}次。"),
    ("大厅运行保障", "完成大厅{n}个功能区的标识更新和设备检修；组织窗口人员开展业务培训{m}场，"
     "参训{k}人次；{dept}窗口完成进驻事项调整。"),
    ("政务服务评价", "本月收到“好差评”评价{k}条，好评率99%以上；对{n}条差评逐一回访核实，"
     "督促{dept}等相关窗口整改到位。"),
)
BRIEFS = EFFICIENCY_OPENERS + BUSINESS_ENV_OPENERS

# The distribution block at the end (not content).
WEEKLY_DISTRIBUTION = (
    ("报：中心领导。", "送：各有关省级部门（单位），中心各处（室）、直属单位。", "发：各部门进驻窗口。"),
    ("报：省政务服务管理办公室，中心领导。", "送：省级有关部门（单位）。", "发：大厅各窗口，中心各处（室）。"),
)
MONTHLY_DISTRIBUTION = (
    ("报：省政务服务管理办公室、中心领导。", "发：省级有关部门（单位）窗口，中心各处（室）、直属单位。"),
)
