"""Set phrases of each problem, drawn from the wording of the official documents in
data/corpus.jsonl and data/heldout.jsonl (discipline commissions' bulletins, government
notices, hotline summaries) and from design §1.

They serve twice. As features: a phrase of four or more characters (推诿扯皮, 走马观花,
以会议落实会议) is one feature, which character n-grams of at most three characters cannot
see whole. As explanations: a matched phrase is shown to triage staff whole, never cut.

Matching is exact (after `text.normalise`) and vectorised: `find` computes, for every
phrase length, a 64-bit polynomial hash of every window of the batch's code points with
numpy and looks the windows up among the phrases' hashes. No regular expression runs per
text (an alternation of these phrases costs ~90 ms per 1,000 texts of 150 characters; the
hashes cost a few).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

_PHRASES = """
推诿 扯皮 推诿扯皮 踢皮球 互相推诿 不作为 慢作为 乱作为 不担当 缺乏担当 不敢担当 怕担责
等靠要 层层加码 各行其是 两张皮 中梗阻 击鼓传花 躺平 甩手掌柜 推绕拖 推拖绕 拖延不办
久拖不决 不思进取 安于现状 墨守成规 上面没文件 照抄照转 打折扣 上有政策下有对策 不催不办
不推不动 新官不理旧账 各自为政 不是我们管 不归我们管 等上级 没有先例 消极应付 履职不力
门难进 脸难看 事难办 话难听 态度冷漠 态度恶劣 态度生硬 态度蛮横 态度冷横 爱答不理
爱理不理 不耐烦 脱岗 离岗 擅自离岗 无人在岗 无人值班 大门紧锁 玩手机 玩游戏 看视频
办事拖拉 效率低下 一问三不知 找熟人 托熟人 刁难 故意刁难 一次性告知 来回跑 跑了好几趟
冷硬横推 服务意识 作风粗暴 颐指气使 冷脸 办不成事 服务态度 窗口
衙门作风 文山会海 以会议落实会议 以文件落实文件 会议过多 陪会 层层开会 简报 空喊口号
发号施令 高高在上 官僚主义 官老爷 官僚习气 官僚气 特权思想 特权 坐在办公室 作风漂浮
只出题不答题 决策不落地 落实不力 推进不力 承诺不兑现 说一套做一套 不下基层 开会
走过场 流于形式 弄虚作假 留痕 过度留痕 台账 打卡 拍照 截图 面子工程 形象工程 政绩工程
表面文章 花架子 报喜不报忧 编造 造假 应付检查 迎检 虚报 数据造假 做样子 形式主义
指尖上的形式主义 刷白墙 制度上墙 敷衍塞责 一告了之 作秀 应付了事 浮于表面 重留痕轻实效
走马观花 蜻蜓点水 一刀切 一关了之 一禁了之 脱离群众 脱离实际 漠视群众 漠视 避重就轻
绕着走 盆景 经典路线 征求意见 未经调研 拍脑袋 盲目决策 急难愁盼 视而不见 不闻不问
长期未得到解决 不听群众 听不到真话 调而不研 身入心不入 闭门造车
吃拿卡要 好处费 红包 礼金 礼品 宴请 公款吃喝 公款 挪用 侵占 截留 虚报冒领 冒领 套取
优亲厚友 索贿 受贿 回扣 收受 私分 贪污 以权谋私 权钱交易 购物卡 公车私用 大操大办
插手工程 违规收费 乱收费 乱罚款 乱摊派 送礼 任人唯亲 骗取 围标串标 低保
路灯 井盖 下水道 噪音 噪声 停水 停电 供暖 暖气 垃圾 积水 漏水 水压 扰民 占道经营
违章建筑 油烟 停车 物业 供热 管道 污水 窨井 绿化 路面 坑洼
"""
PHRASES: tuple[str, ...] = tuple(dict.fromkeys(_PHRASES.split()))
MAX_LENGTH = 8
_BASE = np.uint64(0x100000001B3)  # FNV-1 64-bit prime; any odd multiplier works


def _hash(codes: np.ndarray) -> int:
    h = np.uint64(0)
    with np.errstate(over="ignore"):
        for c in codes:
            h = h * _BASE + np.uint64(int(c) + 1)
    return int(h)


@lru_cache(maxsize=8)
def _table(phrases: tuple[str, ...]) -> tuple[np.ndarray, dict[int, tuple[np.ndarray, np.ndarray]]]:
    """A code point → "starts a phrase" table, and per phrase length the sorted hashes of
    the phrases of that length with their indexes in `phrases`."""
    first = np.zeros(0x110000, dtype=bool)
    by_length: dict[int, list[tuple[int, int]]] = {}
    for index, phrase in enumerate(phrases):
        if not 2 <= len(phrase) <= MAX_LENGTH:
            raise ValueError(f"a lexicon phrase has 2 to {MAX_LENGTH} characters: {phrase!r}")
        codes = np.frombuffer(phrase.encode("utf-32-le"), dtype=np.uint32)
        first[codes[0]] = True
        by_length.setdefault(len(phrase), []).append((_hash(codes), index))
    table = {}
    for length, pairs in by_length.items():
        pairs.sort()
        table[length] = (
            np.array([h for h, _ in pairs], dtype=np.uint64),
            np.array([i for _, i in pairs], dtype=np.int64),
        )
    return first, table


def find(
    codes: np.ndarray, room: np.ndarray, phrases: Sequence[str] = PHRASES
) -> tuple[np.ndarray, np.ndarray]:
    """(positions, phrase indexes) of every occurrence of a phrase in the concatenated code
    points of a batch; `room[i]` is how many characters are left in position i's text, so
    that no match spans two texts. Only positions whose character starts some phrase are
    hashed (a sixth of them in ordinary text)."""
    first, table = _table(tuple(phrases))
    empty = np.zeros(0, dtype=np.int64)
    if not table or not len(codes):
        return empty, empty
    cand = np.flatnonzero(first[codes])
    if not len(cand):
        return empty, empty
    values = codes.astype(np.uint64) + np.uint64(1)
    last = len(codes) - 1
    h = np.zeros(len(cand), dtype=np.uint64)
    left = room[cand]
    found_pos, found_idx = [], []
    with np.errstate(over="ignore"):
        for length in range(1, max(table) + 1):
            h = h * _BASE + values[np.minimum(cand + (length - 1), last)]
            if length not in table:
                continue
            hashes, indexes = table[length]
            pos = np.searchsorted(hashes, h)
            pos[pos >= len(hashes)] = 0
            hit = (hashes[pos] == h) & (left >= length)
            found_pos.append(cand[hit])
            found_idx.append(indexes[pos[hit]])
    return np.concatenate(found_pos), np.concatenate(found_idx)


def phrases_in(text: str, phrases: Sequence[str] = PHRASES) -> list[str]:
    """The phrases found in one (normalised) text, in order of position; for training."""
    if not text:
        return []
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    room = len(codes) - np.arange(len(codes))
    pos, idx = find(codes, room, phrases)
    order = np.lexsort((idx, pos))
    return [phrases[i] for i in idx[order].tolist()]
