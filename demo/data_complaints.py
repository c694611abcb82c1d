"""Phrases for the demo's complaints (监督举报): what residents and enterprises of 示范区 say
when they complain, by category of design §1, and the hot spots many of them report at once.

Everything is invented. Slots in braces are filled by demo.complaints: {unit} (the unit's
short name), {place} (a street, village or estate), {matter} (one of the unit's services),
{cadre} (how the complainant refers to a cadre), {days}, {times}, {money}. The wording is
deliberately not the classifier's seed corpus (complaints.classifier.seed_corpus): the demo
shows how the shipped model does on text it was not built from, corrections included.
"""

from __future__ import annotations

from demo.data import words

# Share of each category (design §1) among the complaints; `other` is the usual 12345 fare.
CATEGORY_SHARES: dict[str, float] = {
    "service": 31,
    "other": 18,
    "disconnect": 12,
    "mindset": 11,
    "bureaucratism": 10,
    "formalism": 8,
    "integrity": 6,
}
# Share of each channel (complaints.models.Complaint.Channel values).
CHANNEL_SHARES: dict[str, float] = {
    "hotline": 42,
    "web": 24,
    "open311": 9,
    "survey": 8,
    "visit": 7,
    "letter": 6,
    "forum": 4,
}

# Units each category is most often about (three times the weight of the others).
CATEGORY_UNITS: dict[str, tuple[str, ...]] = {
    "service": ("MKT", "HRS", "CIV", "PSB", "TAX", "MED", "REG", "HOU", "ZWZX"),
    "other": ("URB", "WAT", "ENV", "TRA", "CGJD", "DHJD", "XYJD", "NMJD"),
    "disconnect": ("URB", "ENV", "AGR", "QSZ", "LXZ", "BSZ", "YTZ", "EDU"),
    "mindset": ("NRS", "HOU", "DEV", "COM", "QSZ", "LQZ", "SGZ"),
    "bureaucratism": ("DEV", "HOU", "NRS", "COM", "FIN", "EMG"),
    "formalism": ("EDU", "CUL", "TYZ", "SHZ", "JQZ", "SMZ", "CGJD", "EMG"),
    "integrity": ("MKT", "URB", "HOU", "NRS", "TRA", "PSB", "QSZ", "SGZ"),
}

PLACES: tuple[str, ...] = words(
    """
    幸福里小区 锦绣花园 滨河湾 阳光新城 桂园小区 建设路菜市场 人民路口 文化路小学门口
    府前街 新华路夜市 朝阳路公交站 中山路老街 青石村 柳溪村三组 白沙社区 云台村
    桃源新村 龙泉工业园 松岗物流园 双河村 金桥社区 石门村 城关老街 东湖社区 西苑小区
    南门菜场 滨河路公园 区政务服务中心 老城区 开发区
    """
)
TRADES: tuple[str, ...] = words("餐饮 建材 物流 服装加工 五金 养殖 农资 装修 汽修 培训")
ENTERPRISE_SUFFIXES: tuple[str, ...] = words("有限公司 商行 工作室 合作社 加工厂")
MONEY: tuple[str, ...] = words("两百 五百 八百 一千 两千 三千 五千 一万")

# How people refer to a cadre: {surname}, {name} (full name), {title}.
CADRE_FORMS: tuple[str, ...] = (
    "{name}",
    "{name}",
    "{surname}{title}",
    "姓{surname}的工作人员",
    "一个叫{name}的干部",
    "{title}{name}",
    "那个{surname}主任",
)
# When the problem's sentence has no place for the cadre, the complainant names them after.
CADRE_MENTIONS: tuple[str, ...] = (
    "当时接待我的是{cadre}",
    "经办人是{cadre}",
    "就是{cadre}，大家都认识",
    "{cadre}就是这么说的",
)
OPENERS: tuple[str, ...] = (
    "",
    "",
    "",
    "您好，",
    "领导好！",
    "你好，我要反映个情况。",
    "我是{place}的居民，",
    "我是住在{place}的老百姓，",
    "本人系{place}住户，现反映如下问题：",
    "我们是一家做{trade}的小企业，",
    "我是开{trade}店的个体户，",
    "我替我家老人反映一下，",
    "打了好几次电话了，再反映一次：",
    "实在没办法了才打这个电话，",
    "网上看到可以投诉，就来说说，",
    "尊敬的领导：",
    "我是外地来{place}打工的，",
    "麻烦转给领导看一下，",
)
CLOSERS: tuple[str, ...] = (
    "",
    "",
    "希望领导重视一下。",
    "请尽快处理，谢谢！",
    "强烈要求给个说法！！",
    "麻烦了。",
    "不要再推来推去了。",
    "希望能有个答复。",
    "盼回复。",
    "这种作风必须整改！",
    "请相关部门核实处理。",
    "老百姓的事情能不能上点心？",
    "再不解决我就去市里反映。",
    "谢谢你们。",
    "望尽快落实，此致敬礼。",
)
FEELINGS: tuple[str, ...] = (
    "真的是气死人。",
    "老百姓办个事咋就这么难呢？",
    "心都凉了。",
    "我都不知道该找谁了。",
    "整得人心累。",
    "这叫什么事嘛！",
    "搞么子名堂哦。",
    "啥子都不管，光晓得喊等。",
    "一趟趟跑，腿都跑细了。",
    "太寒心了。",
    "冇人理我们。",
    "忒慢了，咋整？",
    "说起来就一肚子火。",
    "我们也不是故意找事。",
)

# The problem itself, by category. Short enough to stand alone; longer texts add DETAILS.
CORES: dict[str, tuple[str, ...]] = {
    "service": (
        "去{unit}办{matter}，窗口的人眼皮都不抬一下，问两句就嫌烦",
        "{matter}跑了{times}趟还没办下来，每次都说少个材料，不能一次说清楚吗",
        "在{unit}窗口排了一上午队，轮到我说下班了明天再来",
        "{cadre}态度特别差，当着一屋子人吼我，说不会填表就别来办",
        "打{unit}的咨询电话打了{times}次，不是占线就是没人接",
        "办个{matter}非要托熟人，不找人就一直说在审核",
        "{matter}承诺{days}个工作日，现在都过了一个月了，问了就说等着",
        "窗口明明在大厅里，可啥都定不了，说要拿回局里给领导签字",
        "{cadre}上班时间一直刷手机，后面排队的人等得冒火",
        "网上说{matter}全程网办，结果提交了又让去现场交纸质材料",
        "让开一个根本开不出来的证明，问哪里开也说不知道",
        "去问{matter}的政策，三个工作人员说了三个说法",
        "中午十一点半就不接号了，下午两点半才上班，老人在大厅干坐",
        "{unit}的人说这个不归他们管，我问归谁管，他说不晓得",
        "自助机坏了半个月没人修，窗口又让去自助机上办",
        "材料都齐了，{cadre}说系统有问题让回去等通知，一等就没消息了",
    ),
    "mindset": (
        "{place}的事找{unit}，{unit}说归镇里管，镇里又说归{unit}管，皮球踢了{days}天",
        "问{unit}为什么不办，说上面没有文件，他们不敢开这个口子",
        "区里早就说了要解决，到了{unit}这里就是不执行，各搞各的",
        "{cadre}说这事没有先例，出了问题谁负责，就一直拖着",
        "政策文件写得好好的，到{unit}一落实就变了样，说一套做一套",
        "几个部门开了好几次协调会，到现在没有一家愿意牵头",
        "找{unit}反映，他们说要等资金下来，等了一年多了",
        "{unit}只管自己那一块，别的部门的事一概不问，我们夹在中间",
        "明明可以特事特办，{cadre}说按老规矩来，老规矩就是等",
        "给下面压任务压指标，真遇到困难了一句支持的话都没有",
    ),
    "bureaucratism": (
        "想找{unit}领导反映企业的困难，去了{times}次都说在开会",
        "我们企业的问题报上去半年了，{unit}批转了好几个科室，没有下文",
        "{unit}要企业每个月报一堆表，内容都是重复的，小企业哪有人天天填表",
        "{cadre}官腔十足，说我们不懂政策，问他哪条政策又说不清楚",
        "一个章要好几个领导签字，领导出差就卡住，{days}天了还没盖",
        "开了一场动员会，又开一场部署会，再开一场推进会，事情一点没动",
        "说好了要来企业现场办公，来的人坐了十分钟喝了杯茶就走了",
        "{unit}的领导从来不下来看看，全靠听汇报，汇报的都是好的",
        "打报告申请{matter}，材料在{unit}里转了一圈又转回来让重新报",
        "上面发一个通知，{unit}就原样转发一个通知，没有一句具体怎么做",
    ),
    "formalism": (
        "{unit}来{place}检查，下车拍了几张照片就走了，问题一个没看",
        "为了迎检，{place}连夜刷墙摆花，检查组一走全撤了",
        "{place}的公示栏上制度写得满满的，实际一条都没执行",
        "社区干部天天让我们在群里打卡截图，说是上面要留痕",
        "汇报材料里写着问题已整改，可{place}的问题还是老样子",
        "走访就是来家里坐两分钟，让我们签个字证明来过了",
        "{unit}搞的培训就是念文件，签到拍照，完事",
        "{place}的台账一大堆，都是检查前临时补的",
        "问卷让我们照着模板填满意，不满意的不让交",
    ),
    "disconnect": (
        "{unit}一刀切把{place}的小摊全清走了，也不给个地方，一家人靠这个吃饭的",
        "{place}养殖场说关就关，一关了之，后面怎么办没人管",
        "领导来{place}调研走马观花，专挑好看的地方走，真正有问题的地方不去",
        "{place}的排水问题反映了好几年，干部来了就说研究研究，研究完就没影了",
        "开座谈会只请几个说好话的人，我们想说的话根本插不上",
        "{unit}出台的新规定一点不考虑实际，{place}的老人根本用不了手机办",
        "环保整改要求停产，不告诉我们怎么改才能达标，只说不行",
        "{cadre}来{place}走了一圈，连车都没下，第二天新闻就说深入基层了",
        "{place}修路的事大家意见很大，没有一个干部来问过我们",
    ),
    "integrity": (
        "{cadre}办{matter}时暗示要意思意思，不给好处就一直拖",
        "{unit}执法的人来店里检查，开口要{money}块钱就不罚了",
        "听说{place}的低保名额给了干部亲戚，真正困难的人没评上",
        "{cadre}让我们去他指定的公司做评估，说别家做的不认",
        "工程验收的时候{cadre}收了施工方的烟酒，明显不合格的也签了",
        "{unit}的人吃拿卡要，过年过节还要送购物卡",
        "{cadre}用公车接送孩子上学，好几个家长都看到了",
        "{place}拆迁补偿有猫腻，有关系的多拿，没关系的少拿",
    ),
    "other": (
        "{place}的路灯坏了快一个月了，晚上黑漆漆的，老人摔了好几个",
        "{place}附近工地晚上十二点还在施工，吵得睡不着",
        "{place}的下水道堵了，污水漫到路上，臭得很",
        "{place}门口的井盖松了，车一压就哐当响，怕出事",
        "{place}的垃圾好几天没人清运了",
        "{place}停水了一整天，也没提前通知",
        "{place}公交站的站牌被撞歪了没人修",
        "{place}有人占道经营，人车都过不去",
        "{place}小区的电梯老是坏，物业不管",
        "{place}的绿化带被人圈起来种菜了",
        "{place}有家烧烤店油烟直排，楼上住户窗户都不敢开",
        "咨询一下{matter}需要带什么材料",
    ),
}

# A second sentence that says more about the same problem.
DETAILS: dict[str, tuple[str, ...]] = {
    "service": (
        "我请了{days}天假专门来办的，就这么白白浪费了。",
        "我问能不能一次性告诉我缺什么，她说看心情。",
        "旁边有人找了个熟人，十分钟就办好了。",
        "办事指南上写的和窗口要的根本不一样。",
        "我七十多岁的老母亲也跟着跑了好几趟。",
        "后来去另一个窗口问，人家说其实当场就能办。",
        "说话阴阳怪气的，好像我们求着他一样。",
    ),
    "mindset": (
        "每个部门都说得有道理，就是没人办。",
        "我们老百姓不懂你们内部怎么分工，只想把事情办了。",
        "问到最后都说等上面定，上面又是谁？",
        "一个小问题拖成了大问题。",
    ),
    "bureaucratism": (
        "企业等不起，订单都丢了好几个。",
        "每次去都让重新说一遍情况，记录的本子都换了三本。",
        "我们要的不是会议纪要，是把事情办了。",
        "门卫都比领导好找。",
    ),
    "formalism": (
        "照片拍得好看有啥用，问题还在那里。",
        "群众都看在眼里，心里清楚得很。",
        "折腾一圈，最后一张纸交差。",
    ),
    "disconnect": (
        "说白了就是不愿意听老百姓的声音。",
        "政策出发点是好的，可执行起来一刀切，苦的是我们。",
        "我们也愿意整改，可总得告诉我们怎么改吧。",
        "来调研的领导听了一上午汇报，下午就走了。",
    ),
    "integrity": (
        "我手上有聊天记录，可以提供。",
        "大家都知道，就是没人敢说。",
        "不敢实名，怕以后办事被穿小鞋。",
        "这种事不是一次两次了。",
    ),
    "other": (
        "打过物业电话，物业说不归他们管。",
        "晚上小孩老人出门很危险。",
        "之前也打过一次，说是已经派单了，到现在也没人来。",
        "附近好多户都有意见。",
    ),
}

# Hot spots: the same problem reported by many people within a few weeks. Each is grouped
# by complaints.intake.similarity into one ComplaintCluster. (unit code, category, core text,
# number of complaints, spread in days); the core stays the same in every report, as people
# repeat what the neighbours wrote in the group chat, and each adds a few words of their own.
HOTSPOTS: tuple[tuple[str, str, str, int, int], ...] = (
    (
        "URB",
        "other",
        "幸福里小区东门那条路挖开两个多月了，一直没人填，坑里全是积水，晚上黑灯瞎火好几个人摔进去",
        28,
        20,
    ),
    (
        "HOU",
        "service",
        "锦绣花园的房产证办了一年半还没下来，开发商说材料早就交到住建局了，住建局说还在审核，"
        "问什么时候好谁也说不清",
        34,
        25,
    ),
    (
        "HRS",
        "service",
        "社保卡补换在大厅排号要排到下周，网上预约系统一直显示已约满，老年人根本抢不到号",
        22,
        14,
    ),
    (
        "ENV",
        "disconnect",
        "龙泉工业园的小作坊被一刀切全部关停，没有过渡期也没人指导怎么整改达标，几十个工人一下子没了饭碗",
        18,
        18,
    ),
    (
        "QSZ",
        "formalism",
        "青石村的人居环境整治就是检查前突击摆花刷墙，检查组一走花就搬走了，臭水沟还是臭水沟",
        12,
        21,
    ),
    (
        "WAT",
        "other",
        "滨河湾小区连续三天停水，自来水公司电话打不通，也没有贴通知，家里老人孩子没水用",
        25,
        6,
    ),
    (
        "NRS",
        "mindset",
        "柳溪村宅基地建房审批，自然资源局说要镇里先盖章，镇里说要自然资源局先出意见，来回跑了半年",
        15,
        28,
    ),
    (
        "EDU",
        "bureaucratism",
        "文化路小学门口接送孩子的时候堵得水泄不通，家长反映了三年，教育局每次都说已经协调了，开了好几次会还是老样子",
        14,
        25,
    ),
)
HOTSPOT_ADDITIONS: tuple[str, ...] = (
    "",
    "",
    "我也反映一下，",
    "同样的问题，",
    "又来反映了，",
    "邻居都说了好几遍了，",
    "！！！",
    "请领导重视。",
    "到底管不管？",
    "希望尽快解决。",
    "已经第二次打电话了。",
)

# Replies the handling unit writes (答复), by category, and what triage writes when it
# corrects the suggested category.
ANSWERS: dict[str, tuple[str, ...]] = {
    "service": (
        "经核查，反映情况基本属实。已对当事工作人员进行批评教育，责令向您当面致歉，"
        "并将该事项材料清单在大厅公示，实行一次性告知。",
        "经调取窗口录音录像，工作人员存在解释不耐心的问题，已责成其作出书面检查，"
        "您的业务已于当日办结。",
        "已与您电话联系，您所需办理的事项已安排专人跟进，现已办结。今后将加强窗口作风建设。",
    ),
    "mindset": (
        "经区政府协调，明确由我单位牵头办理，相关部门配合，已制定办理时间表并告知您。",
        "您反映的问题涉及多个部门职责，我单位已主动对接，现已明确责任分工，正在推进。",
    ),
    "bureaucratism": (
        "局主要负责同志已带队到企业现场办公，对您反映的问题逐项研究，明确了解决时限。",
        "已精简相关报表，合并重复填报内容，并建立企业诉求直通机制。",
    ),
    "formalism": (
        "经核查，存在迎检突击整治的情况，已约谈相关负责人，整改情况将在村务公开栏公示。",
        "已取消打卡截图等留痕要求，今后检查以实地核查为主。",
    ),
    "disconnect": (
        "已组织工作人员入户走访，听取群众意见，对关停商户设置三个月过渡期并提供整改指导。",
        "已召开居民座谈会，根据大家意见调整了实施方案。",
    ),
    "integrity": (
        "经初步核实，已对相关人员立案审查，处理结果将依纪依法作出。感谢您的监督。",
        "经核查，反映问题部分属实，已对相关人员进行诫勉谈话，责令退还不当所得。",
        "经核查，未发现反映的问题，我们将持续关注。",
    ),
    "other": (
        "已派人现场查看，问题已于当日处理完毕。",
        "已转交属地街道和相关企业，维修工作已完成。",
        "已联系施工单位，夜间22时后停止施工，执法队员将不定期巡查。",
    ),
}
RESPONSE_NOTES: tuple[str, ...] = (
    "已收到，安排专人核查",
    "已联系举报人了解情况",
    "已转业务科室办理，科长牵头",
    "已安排现场核查",
)
TRIAGE_NOTES: dict[str, str] = {
    "confirm": "确认系统建议类别",
    "correct": "更正系统建议类别：按反映的实质问题归类",
}
CALLBACK_NOTES: dict[str, str] = {
    "satisfied": "电话回访，举报人对处理结果满意",
    "basic": "电话回访，举报人表示基本满意，希望以后不再发生",
    "dissatisfied": "电话回访，举报人表示问题没有真正解决",
    "unreachable": "连续三个工作日电话回访均无人接听",
}
REOPEN_REASONS: tuple[str, ...] = (
    "答复说已经处理了，可是现场还是老样子",
    "只说了批评教育，我的事还是没办",
    "答复和事实不符，根本没人来过",
)
CLOSE_REASONS: tuple[str, ...] = (
    "举报人对答复不满意但未申请重办，经复核答复合理，予以办结",
    "经督查室复核，承办单位已依规办理，予以办结",
)

# Common slips of the pen (right → wrong) for the texts written in a hurry.
TYPOS: tuple[tuple[str, str], ...] = (
    ("已经", "以经"),
    ("反映", "反应"),
    ("因为", "应为"),
    ("的", "地"),
    ("在", "再"),
    ("做", "作"),
    ("那", "哪"),
    ("账", "帐"),
    ("办理", "半理"),
    ("一直", "一只"),
)
# Traditional-character writers: relatives in Hong Kong and Taiwan, and investors from there.
TRADITIONAL_OPENERS: dict[str, tuple[str, ...]] = {
    "zh-hk": ("我係香港返嚟嘅，幫屋企老人家反映下：", "本人現居香港，代家母投訴：", ""),
    "zh-tw": ("我是台灣回來投資的台商，", "您好，我是從台灣回鄉探親的，", ""),
}
