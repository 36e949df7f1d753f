"""Places named in questions and notices: 宜昌市, 湖北省, 深圳 — whose notices a question asks about.

A place a question names as the owner of a policy (「宜昌市今年要新建多少座公厕」) restricts it to that
place's notices; a place named as where someone is (「我在武汉住院」, 「到武汉」) does not. Names come
from jieba's dictionary (words tagged ns ending in 省, 市, 自治区…) and a list of provinces and
prefecture-level cities (newer names such as 襄阳市 that the dictionary lacks).
"""

from __future__ import annotations

import re
import threading

import jieba

PROVINCES = (
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 "
    "贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门"
).split()
CITIES = (
    "三明 上饶 东营 临汾 临沂 临沧 丹东 丽水 丽江 乐山 九江 仙桃 伊春 佛山 佳木斯 保定 保山 六盘水 兰州 内江 北海 "
    "十堰 南充 南宁 南平 南昌 南通 南阳 厦门 双鸭山 台州 合肥 吉安 吕梁 咸宁 咸阳 哈尔滨 唐山 商洛 嘉兴 嘉峪关 四平 "
    "大庆 大连 天水 天门 太原 威海 娄底 孝感 宁德 宁波 安庆 安康 安阳 安顺 宜宾 宜昌 宜春 宝鸡 宿州 宿迁 岳阳 常州 "
    "常德 平凉 平顶山 广元 广州 庆阳 廊坊 延安 开封 张家口 张掖 徐州 德阳 忻州 怀化 恩施 惠州 成都 扬州 承德 抚州 "
    "抚顺 攀枝花 新乡 新余 无锡 日照 昆明 昭通 晋中 晋城 普洱 景德镇 曲靖 朔州 本溪 杭州 松原 枣庄 柳州 株洲 桂林 "
    "梅州 梧州 榆林 武威 武汉 毕节 永州 汉中 汕头 江门 沈阳 沧州 泉州 泰安 泰州 泸州 洛阳 济南 济宁 淄博 淮北 淮南 "
    "淮安 深圳 温州 渭南 湖州 湘潭 湛江 滁州 漯河 漳州 潍坊 潜江 濮阳 烟台 焦作 牡丹江 玉林 玉溪 珠海 白城 白银 百色 "
    "益阳 盐城 眉山 石家庄 秦皇岛 绍兴 绵阳 肇庆 自贡 舟山 芜湖 苏州 茂名 荆州 荆门 莆田 萍乡 营口 蚌埠 衡水 衡阳 "
    "衢州 襄阳 西安 许昌 贵港 贵阳 贺州 赣州 辽源 辽阳 运城 连云港 通化 遂宁 遵义 邢台 邯郸 邵阳 郑州 郴州 鄂州 "
    "酒泉 金华 金昌 钦州 铁岭 铜仁 铜川 铜陵 锦州 镇江 长春 长沙 长治 阜新 阜阳 阳泉 随州 青岛 鞍山 韶关 马鞍山 "
    "鸡西 鹤壁 鹤岗 鹰潭 黄冈 黄石 齐齐哈尔 龙岩 珠海 拉萨 银川 西宁 乌鲁木齐 呼和浩特 海口 三亚"
).split()
SUFFIXES = ("特别行政区", "自治区", "自治州", "省", "市")
# A place right after one of these is where someone is or goes (「在武汉住院」), not whose policy is asked.
WHERE = re.compile(r"(?:[在到去从回离来往赴]|老家|住)$")
LONGEST = 8

_lock = threading.Lock()
_names: dict[str, str] = {}


def place_names() -> dict[str, str]:
    """Every way a place is written → its full name (宜昌 → 宜昌市, 湖北 → 湖北省); read once."""
    with _lock:
        if not _names:
            _names.update(_build())
        return _names


def _build() -> dict[str, str]:
    names: dict[str, str] = {}
    for line in jieba.get_dict_file():
        parts = line.decode("utf-8").split()
        word = parts[0] if parts else ""
        if len(parts) > 2 and parts[2] == "ns" and word.endswith(SUFFIXES) and 3 <= len(word) <= LONGEST:
            if not word.startswith("各"):
                names[word] = word
    for province in PROVINCES:
        full = province if province in ("北京", "天津", "上海", "重庆", "香港", "澳门") else province + "省"
        names.setdefault(province + "省", full)
        names.setdefault(province + "市", full)
        names.setdefault(province, full)
    for city in CITIES:
        names.setdefault(city + "市", city + "市")
        names.setdefault(city, city + "市")
    return names


def places_in(text: str, owners_only: bool = True) -> list[str]:
    """Full names of the places a text names, in order; with `owners_only`, not those where someone is."""
    names = place_names()
    found, i = [], 0
    while i < len(text):
        for size in range(min(LONGEST, len(text) - i), 1, -1):
            full = names.get(text[i : i + size])
            if full:
                if not (owners_only and WHERE.search(text[:i])) and full not in found:
                    found.append(full)
                i += size
                break
        else:
            i += 1
    return found


def same_place(a: str, b: str) -> bool:
    """宜昌市 and 宜昌 are one place."""
    return a.rstrip("市省") == b.rstrip("市省") if a and b else False
