"""A deterministic generator of fictional, colloquial complaint texts for the seed model.

There is no labelled history on a fresh install, so the shipped model is trained on texts
built from sentence frames and per-category problem phrases drawn from design §1. Every
person, place and event here is invented.

Generalisation is measured honestly: both the frames and each category's problem phrases are
split into a training part and a held-out part (every HOLDOUT_EVERY-th item, fixed). Training
texts use only training frames and phrases; ``split="heldout"`` texts use only held-out frames
and held-out phrases, so a held-out text shares no sentence frame and no problem phrase with
any training text. Slots such as units, places and times are shared (they are not signal).
"""

from __future__ import annotations

import random
from functools import lru_cache

CATEGORIES = (
    "mindset",
    "service",
    "bureaucratism",
    "formalism",
    "disconnect",
    "integrity",
    "other",
)

HOLDOUT_EVERY = 5

PHRASES: dict[str, list[str]] = {
    "mindset": [
        "几个部门互相推诿扯皮，谁都不愿意接这个事",
        "说要等上级文件下来才能办，一等就是半年",
        "只会等靠要，上面不拨钱就什么都不干",
        "镇里对区里的决定各行其是，根本不执行",
        "政策写在纸上一套，实际做起来又是另一套，两张皮",
        "遇到新情况就说没有先例，不敢担责任",
        "问题踢皮球，从这个科室推到那个科室",
        "只顾自己部门的利益，别的都不管",
        "给基层压任务却一点支持都不给",
        "还是老一套的做法，一点创新都没有",
        "说这事不归我们管，让我去找别的部门，那边又说归这边管",
        "怕担责任，能拖就拖，能推就推",
        "区里开会定了的事，到街道就变了样",
        "凡事都要请示，自己一点主意都不拿",
        "总说上面没政策，不愿意想办法解决",
        "部门之间各自为政，谁也不配合谁",
        "干部缺乏担当，遇到难题绕着走",
        "守着老规矩不变通，明明可以灵活处理",
        "只想着不出事，不想着把事办成",
        "政策落不了地，说的和做的完全两回事",
        "踢来踢去半年了，没有一个部门牵头",
        "什么事都等领导拍板，下面的人一点不主动",
        "对新政策理解不透，按老办法硬套",
        "把责任往下压，出了问题就怪基层",
        "以文件落实文件，下面的人照抄照转",
    ],
    "service": [
        "窗口工作人员态度冷漠，爱理不理",
        "办事拖拉，一个简单的证件拖了一个多月",
        "问什么都一问三不知，自己的政策都搞不清",
        "来回跑了好几趟，每次都说材料不齐",
        "门难进脸难看事难办",
        "没有熟人根本办不成事",
        "明明当场可以办结，非要让我下周再来",
        "办不了也不给个明确答复，就让我等着",
        "窗口摆在大厅里，但是什么都决定不了，还得回局里审批",
        "工作人员上班时间玩手机，让群众排长队",
        "说话冲，态度恶劣，还吼了我家老人",
        "材料一次不告诉清楚，每次都补一样新的",
        "电话永远没人接，打了十几次",
        "排了两个小时队，到了窗口说系统坏了",
        "工作人员迟到早退，十一点就不办了",
        "让我自己去开各种证明，证明我妈是我妈",
        "一件事要跑五六个部门盖章",
        "工作人员有特权思想，对老百姓呼来喝去",
        "网上说能办，到了现场又说必须线下",
        "办理时限早就超了，也没人给个说法",
        "服务窗口中午没人值班，群众干等",
        "问个问题被踢来踢去，没人耐心解释",
        "设置障碍刁难人，非要一些根本没必要的材料",
        "大厅里的指引牌和实际流程对不上，害我白跑",
        "咨询电话里说的和窗口说的不一样",
    ],
    "bureaucratism": [
        "衙门作风严重，老百姓见个领导比登天还难",
        "企业有困难只能自己找上门，从来不主动来了解",
        "用会议落实会议，开完会就没有下文了",
        "文山会海，基层干部天天忙着写材料",
        "领导整天陷在文件、会议、汇报和接待里，很少下基层",
        "说大话空话，承诺的事一件都没兑现",
        "决策定了好几年，就是落不了地",
        "官架子十足，跟群众说话高高在上",
        "办公室门一关，谁来都说领导在开会",
        "只对上负责，不对群众负责",
        "层层发文，一个通知转了五六道",
        "要填的表格一张接一张，都是重复的内容",
        "签个字要等领导回来，领导一出差就是半个月",
        "企业反映的问题批转来批转去，最后不了了之",
        "领导讲话长篇大论，没有一句实在的",
        "接待上级检查兴师动众，群众的事没人理",
        "审批要层层签字，一个章要盖半个月",
        "领导从来不来现场，光在办公室里听汇报",
        "口号喊得震天响，实际什么都没做",
        "信访件转来转去，说在研究，研究了一年",
        "动不动就要求基层报材料，一周报三次",
        "坐等企业上门，从不主动服务",
        "干部只唯上，群众意见当耳旁风",
        "开会开到深夜，第二天又开会传达会议精神",
        "决定发下去就算完成任务，落实不落实没人管",
    ],
    "formalism": [
        "检查就是走过场，看看就走了",
        "来村里拍几张照片留痕就算调研了",
        "制度都挂在墙上，从来没有执行过",
        "报喜不报忧，问题都被瞒下来了",
        "为了应付检查临时突击打扫，检查完又恢复原样",
        "搞了一堆台账，全是补出来的假材料",
        "工作群里天天要求打卡截图",
        "下来督查只看材料不看实际",
        "宣传栏做得很漂亮，实际工作一点没做",
        "搞形象工程，花大钱刷墙面",
        "让我们村民配合摆拍，说是上面要看",
        "会议记录都是提前写好的",
        "只要痕迹不要实绩，天天要交照片",
        "数据层层注水，统计报表好看得很",
        "搞评比达标，结果大家都是优秀",
        "一个活动要准备几十页的总结材料",
        "走访就是在村口站一站，拍完照就走",
        "整改报告写得很好，问题一个都没改",
        "验收的时候临时摆花，第二天就撤走了",
        "满意度调查让干部代填",
        "APP上天天要刷学习积分，不刷就通报",
        "为了迎检连夜刷标语，路还是烂的",
        "材料写得天花乱坠，老百姓一点没感觉",
        "签到表是事后补签的",
        "座谈会的发言稿都是事先安排好的",
    ],
    "disconnect": [
        "调研就是走马观花，转一圈就走",
        "只听想听的，群众反映的问题一概不听",
        "一刀切把整条街的摊位都取缔了",
        "环保检查一关了之，也不帮我们整改",
        "难办的问题就躲着走，避之大吉",
        "从来不征求群众意见就拍板",
        "不了解实际情况就乱下通知",
        "决策前不调研，政策出来根本行不通",
        "一刀切要求所有店铺统一换招牌",
        "领导下来只去示范点，真正困难的地方从来不去",
        "老百姓的意见提了无数次，没人当回事",
        "村里的实际困难根本没人来了解",
        "拆了小作坊也不给出路，工人都失业了",
        "一下子全部关停，也不给整改时间",
        "座谈会只请听话的人，提意见的都不让去",
        "规划定下来才告诉我们，根本没问过住户",
        "干部不知道农民种什么，还让我们改种",
        "调研报告写的和村里的情况完全不一样",
        "禁止所有电动三轮车进城，卖菜的老人没法出摊",
        "基层的问题反映上去，领导说没有这回事",
        "只看统计数据，不看群众过的什么日子",
        "从来不到企业车间里看看到底有什么难处",
        "不管三七二十一全部拆除，也不分情况",
        "群众来反映情况被挡在门外，说领导没空",
        "下乡就在镇政府吃顿饭，村里一次没去",
    ],
    "integrity": [
        "办事人员吃拿卡要，不给好处就不办",
        "收了红包才给盖章",
        "索要好处费，说不给就一直拖着",
        "公车私用，周末开着公车去钓鱼",
        "让企业报销他家的吃喝费用",
        "利用职务给亲戚的公司揽工程",
        "验收的时候暗示要请吃饭送礼",
        "低保名额都给了干部的亲戚",
        "拆迁补偿款被村干部截留了一部分",
        "工程招标内定，走个形式",
        "逢年过节要企业送购物卡",
        "违规收费，收了钱也不给收据",
        "吃空饷，人根本不来上班还领工资",
        "收了钱帮人插队办证",
        "在企业入干股，明目张胆要分红",
        "用公款大吃大喝，发票开成办公用品",
        "检查时暗示要买他指定的设备",
        "扶贫物资被干部私分了",
        "优亲厚友，补贴只发给关系户",
        "借婚丧嫁娶大操大办收礼金",
        "向商户收取所谓的管理费，没有任何文件",
        "办执照要先交一笔咨询费给他指定的中介",
        "虚报冒领惠农补贴",
        "干部家属开店，执法时只查别人不查他家",
        "给钱就能通过年检，不给就说不合格",
    ],
    "other": [
        "路灯坏了好几个月，晚上黑漆漆的",
        "垃圾好几天没人清运，臭气熏天",
        "楼下烧烤店噪音扰民，半夜还在吵",
        "小区下水道堵了，污水流到路上",
        "广场舞音响太大声，影响休息",
        "路上的井盖丢了，很危险",
        "公交车班次太少，等一个小时都等不到",
        "楼上漏水到我家，物业不管",
        "流浪狗太多，小孩上学很害怕",
        "小区停车位被外来车辆占满",
        "马路上坑坑洼洼，下雨就积水",
        "工地晚上施工，吵得睡不着",
        "自来水发黄，有股怪味",
        "小区电梯老是坏，老人上下楼很困难",
        "菜市场门口占道经营，堵得走不动",
        "附近工厂排放的烟有刺鼻气味",
        "学校门口没有红绿灯，车开得飞快",
        "冬天暖气不热，屋里只有十几度",
        "共享单车乱停乱放，人行道都堵了",
        "河道里漂满了垃圾",
        "绿化带的树被人砍了",
        "快递柜太少，包裹没地方放",
        "小区门口的路灯一直闪",
        "隔壁装修每天早上七点就开始砸墙",
        "公园的健身器材坏了没人修",
    ],
}

FRAMES: list[str] = [
    "{who}{time}去{place}{unit}办事，{p1}。{tail}",
    "反映{place}{unit}的问题：{p1}，{p2}。{tail}",
    "{place}{unit}{p1}！{tail}",
    "我要举报{place}{unit}，{p1}，{tail}",
    "{time}在{place}{unit}，{p1}，{p2}，{tail}",
    "{who}想问问{place}{unit}，为什么{p1}？{tail}",
    "{p1}。这是{place}{unit}的情况，{tail}",
    "关于{place}{unit}：{p1}。{p2}。",
    "{who}{time}遇到的事：{place}{unit}{p1}，{tail}",
    "{place}{unit}{p1}，{p2}，{who}实在忍不了了",
    "投诉！{p1}，地点{place}{unit}，时间{time}。{tail}",
    "{tail}{place}{unit}{p1}",
    "{who}是{place}的居民，{unit}{p1}。",
    "{time}的事，{p1}，{p2}。{place}{unit}。",
    "请领导关注{place}{unit}，{p1}。",
    "{p1}，{p2}，{place}{unit}就是这样，{tail}",
    "说个情况，{place}{unit}这边{p1}。{tail}",
    "{who}{time}又去了一次{place}{unit}，结果还是{p1}。",
    "再不管就要出大事了，{place}{unit}{p1}。",
    "实名反映：{place}{unit}{p1}，{p2}。{tail}",
]

WHO = [
    "我",
    "我们",
    "我们公司",
    "我家老人",
    "我爸",
    "小区居民",
    "我们几户人家",
    "本人",
    "我们村",
    "我和邻居",
    "我们厂",
    "我妈",
    "",
]
TIME = [
    "上周三",
    "今年三月",
    "前天上午",
    "昨天下午",
    "上个月",
    "国庆节前",
    "这几天",
    "去年年底",
    "周一早上",
    "最近一段时间",
    "今天",
    "上礼拜",
    "",
]
PLACE = [
    "城关镇",
    "东城街道",
    "西湖街道",
    "开发区",
    "南山镇",
    "河口乡",
    "新华社区",
    "青石村",
    "区政务服务中心",
    "北园街道",
    "滨江新区",
    "桃源镇",
    "幸福小区",
    "红星村",
    "",
]
UNIT = [
    "不动产登记窗口",
    "社保窗口",
    "市场监管所",
    "住建局",
    "城管中队",
    "税务大厅",
    "派出所户籍窗口",
    "镇政府",
    "村委会",
    "民政办",
    "医保中心",
    "人社局",
    "交警大队",
    "卫健局",
    "自然资源所",
    "环保分局",
    "行政审批局",
    "农业农村局",
    "街道办",
    "物业",
    "",
]
TAIL = [
    "希望领导管一管",
    "请严肃处理",
    "真的很无语",
    "太让人寒心了",
    "希望尽快解决",
    "这样下去怎么行",
    "请给个说法",
    "老百姓很有意见",
    "麻烦核实一下",
    "谢谢",
    "已经反映过好几次了",
    "大家都很气愤",
    "",
]
NOISE = ["", "", "", "！！", "。。。", "，唉", "？？", " 急", "~"]


def _split(items: list[str], split: str) -> list[str]:
    held = [x for i, x in enumerate(items) if i % HOLDOUT_EVERY == HOLDOUT_EVERY - 1]
    train = [x for i, x in enumerate(items) if i % HOLDOUT_EVERY != HOLDOUT_EVERY - 1]
    if split == "train":
        return train
    if split == "heldout":
        return held
    if split == "all":
        return list(items)
    raise ValueError(f"unknown split {split!r}: use 'train', 'heldout' or 'all'")


@lru_cache(maxsize=1)
def _to_traditional():
    from zhconv import convert

    return lambda s: convert(s, "zh-hant")


def generate(
    per_category: int = 3000,
    seed: int = 1,
    split: str = "train",
    traditional_share: float = 0.15,
) -> list[tuple[str, str]]:
    """``per_category`` (category, text) pairs per category, shuffled, reproducible by seed."""
    rng = random.Random(seed)
    frames = _split(FRAMES, split)
    to_trad = _to_traditional()
    out: list[tuple[str, str]] = []
    for cat in CATEGORIES:
        phrases = _split(PHRASES[cat], split)
        for _ in range(per_category):
            p1 = rng.choice(phrases)
            p2 = rng.choice(phrases)
            text = rng.choice(frames).format(
                who=rng.choice(WHO),
                time=rng.choice(TIME),
                place=rng.choice(PLACE),
                unit=rng.choice(UNIT),
                p1=p1,
                p2=p2 if p2 != p1 else rng.choice(TAIL),
                tail=rng.choice(TAIL),
            )
            text = text + rng.choice(NOISE)
            if rng.random() < 0.3:
                text = text.replace("，", rng.choice([",", " ", "，", ""]))
            if rng.random() < traditional_share:
                text = to_trad(text)
            out.append((cat, text))
    rng.shuffle(out)
    return out
