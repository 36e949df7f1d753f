"""Places named in questions and notices: 宜昌市, 湖北省, 深圳 — whose notices a question asks about.

A place a question names as the owner of a policy (「宜昌市今年要新建多少座公厕」) restricts it to that
place's notices; a place named as where someone is (「我在武汉住院」, 「到武汉」) does not. Names come
from jieba's dictionary (words tagged ns ending in 省, 市, 自治区…) and a list of provinces and
prefecture-level cities (newer names such as 襄阳市 that the dictionary lacks).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import jieba

# Prefecture-level cities (and province-level cities' districts that issue notices), by province.
PROVINCE_CITIES = {
    "湖北": "武汉 黄石 十堰 宜昌 襄阳 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 恩施 仙桃 潜江 天门",
    "湖南": "长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底",
    "江苏": "南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁",
    "浙江": "杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水",
    "安徽": "合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城",
    "福建": "福州 厦门 莆田 三明 泉州 漳州 南平 龙岩 宁德",
    "江西": "南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶",
    "山东": "济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽",
    "河南": "郑州 开封 洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店",
    "河北": "石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水",
    "山西": "太原 大同 阳泉 长治 晋城 朔州 晋中 运城 忻州 临汾 吕梁",
    "辽宁": "沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 葫芦岛",
    "吉林": "长春 四平 辽源 通化 白山 松原 白城 延边",
    "黑龙江": "哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化",
    "广东": "广州 韶关 深圳 珠海 汕头 佛山 江门 湛江 茂名 肇庆 惠州 梅州 汕尾 河源 阳江 清远 东莞 中山 潮州 揭阳 云浮",
    "广西": "南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池 来宾 崇左",
    "海南": "海口 三亚 三沙 儋州",
    "四川": "成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 巴中 资阳",
    "贵州": "贵阳 六盘水 遵义 安顺 毕节 铜仁",
    "云南": "昆明 曲靖 玉溪 保山 昭通 丽江 普洱 临沧",
    "陕西": "西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 安康 商洛",
    "甘肃": "兰州 嘉峪关 金昌 白银 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南",
    "青海": "西宁 海东",
    "宁夏": "银川 石嘴山 吴忠 固原 中卫",
    "新疆": "乌鲁木齐 克拉玛依 吐鲁番 哈密",
    "内蒙古": "呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布",
    "西藏": "拉萨 日喀则 昌都 林芝 山南 那曲",
    "北京": "东城 西城 朝阳 海淀 丰台 石景山 门头沟 房山 通州 顺义 昌平 大兴 怀柔 平谷 密云 延庆",
    "上海": "黄浦 徐汇 长宁 静安 普陀 虹口 杨浦 闵行 宝山 嘉定 浦东新 金山 松江 青浦 奉贤 崇明",
    "天津": "和平 河东 河西 南开 河北 红桥 东丽 西青 津南 北辰 武清 宝坻 滨海新 宁河 静海 蓟州",
    "重庆": "万州 涪陵 渝中 大渡口 江北 沙坪坝 九龙坡 南岸 北碚 渝北 巴南 长寿 江津 合川 永川 南川",
}
MUNICIPALITIES = ("北京", "天津", "上海", "重庆")
# The one-character province prefix of a provincial 文号 (粤府令, 鄂政发, 黔发改服务).
PROVINCE_ABBREVIATIONS = {
    "京": "北京", "津": "天津", "沪": "上海", "渝": "重庆", "冀": "河北", "晋": "山西", "辽": "辽宁", "吉": "吉林",
    "黑": "黑龙江", "苏": "江苏", "浙": "浙江", "皖": "安徽", "闽": "福建", "赣": "江西", "鲁": "山东", "豫": "河南",
    "鄂": "湖北", "湘": "湖南", "粤": "广东", "桂": "广西", "琼": "海南", "川": "四川", "黔": "贵州", "滇": "云南",
    "陕": "陕西", "甘": "甘肃", "青": "青海", "宁": "宁夏", "新": "新疆", "藏": "西藏",
}
AUTONOMOUS = {"内蒙古": "内蒙古自治区", "广西": "广西壮族自治区", "西藏": "西藏自治区", "宁夏": "宁夏回族自治区",
              "新疆": "新疆维吾尔自治区"}
PROVINCES = tuple(PROVINCE_CITIES) + ("台湾", "香港", "澳门")
CITIES = tuple(c for p, cities in PROVINCE_CITIES.items() if p not in MUNICIPALITIES for c in cities.split())
SUFFIXES = ("特别行政区", "自治区", "自治州", "省", "市")
# A place right after one of these is where someone is or goes (「在武汉住院」), not whose policy is asked.
WHERE = re.compile(r"(?:[在到去从回离来往赴]|老家|住)$")
LONGEST = 8

_lock = threading.Lock()
_names: dict[str, str] = {}
_starts: set[str] = set()  # the characters place names begin with: most characters of a text begin none


def place_names() -> dict[str, str]:
    """Every way a place is written → its full name (宜昌 → 宜昌市, 湖北 → 湖北省); read once."""
    with _lock:
        if not _names:
            _names.update(_build())
            _starts.update(name[0] for name in _names)
        return _names


def _build() -> dict[str, str]:
    names: dict[str, str] = {}
    with jieba.get_dict_file() as dictionary:  # one regex over the whole file, not 350,000 splits
        content = dictionary.read().decode("utf-8")
    suffixes = "|".join(SUFFIXES)
    for word in re.findall(rf"^([^\s各]\S{{1,{LONGEST - 2}}}(?:{suffixes})) \d+ ns$", content, re.M):
        if 3 <= len(word) <= LONGEST:
            names[word] = word
    for province in PROVINCES:
        full = province_name(province)
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
        if text[i] not in _starts:  # most characters begin no place name: skip the lookups
            i += 1
            continue
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


def province_name(short: str) -> str:
    """湖北 → 湖北省, 广西 → 广西壮族自治区; a municipality (北京) and 香港/澳门 by their short name."""
    if short in MUNICIPALITIES:
        return short + "市"
    if short in ("香港", "澳门"):
        return short
    return AUTONOMOUS.get(short, short + "省")


def _province_of() -> dict[str, str]:
    return {f"{city}市": province_name(p) for p, cities in PROVINCE_CITIES.items() if p not in MUNICIPALITIES
            for city in cities.split()}


PROVINCE_OF = _province_of()  # 黄石市 → 湖北省
PROVINCE_NAMES = frozenset(province_name(p) for p in PROVINCES)


# --- whose notice: a notice's place and level, and the region the bot serves --------------------

NATIONAL, PROVINCE, CITY, DISTRICT = "national", "province", "city", "district"
NATIONAL_ISSUER = re.compile(r"^(?:国务院|国家|中共中央|中华人民共和国|全国|最高人民)")
NATIONAL_DOC_NO = re.compile(r"^(?:国发|国办|国函|国务院|中发|中办发)")
# A place the lists do not know, named as an issuer is: 丰台市人民政府, 大理州人民政府, 某某县教育局.
ISSUER_PLACE = re.compile(
    r"^(?:中共)?([\u4e00-\u9fa5]{2,4}?)(省|市|州|县)(?=人民政府|政府|委|[\u4e00-\u9fa5]{1,8}?(?:局|厅|办公室))"
)
# A ministry or national agency issuing alone: 人力资源社会保障部办公厅, 国家卫生健康委.
MINISTRY = re.compile(r"^[\u4e00-\u9fa5]{2,10}?(?:部|总局|总署|银保监会|证监会)(?:办公厅|办公室)?$")
NATIONAL_BRANCH = re.compile(r"^(?:国家|中华人民共和国)[\u4e00-\u9fa5]{1,8}?(?:总局|局|署|委员会)")
MUNICIPALITY_OF = {d: m for m in MUNICIPALITIES for d in PROVINCE_CITIES[m].split()}
MUNICIPAL_DISTRICT = re.compile(rf"^({'|'.join(sorted(MUNICIPALITY_OF, key=len, reverse=True))})区")
DISTRICT_NAME = re.compile(r"^([\u4e00-\u9fa5]{1,6}?(?:新区|区|县))")


@dataclass(frozen=True)
class Place:
    """Whose a notice is: 黄石市 (city, within 湖北省), 湖北省 (province), 全国 (national), or unknown ("")."""

    name: str = ""
    level: str = ""
    within: tuple[str, ...] = ()  # the places around it, nearest first: (武汉市, 湖北省) for 武汉市蔡甸区

    def holds(self, other: Place) -> bool:
        """Whether `other` is this place or lies inside it (湖北省 holds 黄石市)."""
        return bool(self.name) and (other.name == self.name or self.name in other.within)


def place_of(issuer: str, title: str = "", doc_no: str = "") -> Place:
    """A notice's place and level from its issuer, else its title, else its 文号's prefix."""
    if NATIONAL_ISSUER.match(issuer) or NATIONAL_DOC_NO.match(doc_no) or not issuer and NATIONAL_ISSUER.match(title):
        return _local_branch(issuer) or Place("全国", NATIONAL)
    for text in (issuer, title):
        place = _named_place(text)
        if place.name:
            return place
        if m := ISSUER_PLACE.match(text or ""):
            level = {"省": PROVINCE, "县": DISTRICT}.get(m[2], CITY)
            return Place(m[1] + m[2], level)
    if MINISTRY.match(issuer):
        return Place("全国", NATIONAL)
    for text in (issuer, title):
        if m := MUNICIPAL_DISTRICT.match(text or ""):  # 朝阳区…: a district of 北京, named without its city
            city = MUNICIPALITY_OF[m[1]] + "市"
            return Place(f"{city}{m[1]}区", DISTRICT, (city,))
    province = PROVINCE_ABBREVIATIONS.get(doc_no[:1]) if re.match(r"^.(?:政|府|发|办)", doc_no) else None
    return Place(province_name(province), PROVINCE) if province else Place()


def _local_branch(issuer: str) -> Place | None:
    """A national body's local office is that place's: 国家税务总局山西省税务局 → 山西省."""
    m = NATIONAL_BRANCH.match(issuer or "")
    place = _named_place(issuer[m.end():]) if m else Place()
    return place if place.name else None


def region_place(region: str) -> Place:
    """The place the bot serves (BOT_REGION: 黄石市, 黄石, 湖北省); unknown when empty or not a place."""
    return _named_place(region.strip())


def _named_place(text: str) -> Place:
    """The most specific place a name starts with: 武汉市蔡甸区人民政府 → 蔡甸区 in 武汉市, 湖北省."""
    text = (text or "").strip()
    found = [p for p in places_in(text[:LONGEST * 2], owners_only=False)]
    if not found or not any(text.startswith(k) for k in spellings(found[0])):
        return Place()
    province = next((p for p in found if p in PROVINCE_NAMES), "")
    city = next((p for p in found if p in PROVINCE_OF or p.endswith("市") and p not in PROVINCE_NAMES), "")
    province = PROVINCE_OF.get(city, province)
    base = city or (province if province.endswith("市") else "")  # a municipality (北京市) has districts too
    rest = text[text.find(base[:-1]) + len(base) - 1:].lstrip("市") if base else ""
    district = DISTRICT_NAME.match(rest) if base and not rest.startswith(("人民", "政府")) else None
    if district:
        return Place(f"{base}{district[1]}", DISTRICT, tuple(dict.fromkeys(p for p in (base, province) if p)))
    if city:
        return Place(city, CITY, (province,) if province else ())
    return Place(province, PROVINCE)


def spellings(full: str) -> tuple[str, ...]:
    return (full, full.rstrip("市省"), full.replace("壮族自治区", "").replace("自治区", ""))


def in_region(place: Place, home: Place) -> bool:
    """Whether a notice of `place` applies to people of `home`: its own notices, the levels above it,
    the districts inside it, and notices whose place is unknown."""
    if not place.name or not home.name or place.level == NATIONAL:
        return True
    return home.holds(place) or place.holds(home)
