"""Normalisation shared by indexing and querying (knowledge_base/text.py): customers' habits of
typing get the same form as the FAQ's wording."""

from __future__ import annotations

import pytest

from knowledge_base.text import normalise


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("支持七天无理由退货吗？", "支持7天无理由退货吗?"),  # counts in digits on both sides
        ("7天无理由退货怎么算", "7天无理由退货怎么算"),
        ("十五天内", "15天内"),
        ("三十天", "30天"),
        ("二十一天", "21天"),
        ("两年保修", "2年保修"),
        ("星期一", "星期一"),  # a day's name, not a count
        ("第一次买", "第一次买"),
        ("双十一买的", "双十一买的"),  # no unit: not a count
        ("你们家支持7天无理由么", "你们家支持7天无理由退货吗"),  # 么 asks; shorthand written out
        ("能退嘛？", "能退吗?"),
        ("怎么办", "怎么办"),  # 么 of 怎么 / 什么 stays
        ("为什么", "为什么"),
        ("好嘛 谢谢", "好嘛 谢谢"),  # not a question's end
        ("無理由退換", "无理由退换"),
        ("发漂可以开公司抬头吗", "发票可以开公司抬头吗"),  # pinyin homophones of shop words
        ("我的快滴到哪了", "我的快递到哪了"),
        ("退或要怎么弄", "退货要怎么弄"),
        ("無流信息", "物流信息"),  # traditional first, then the homophone
        ("do my memebership points expire", "do my membership points expire"),
        ("Cancle my order", "cancel my order"),
        ("can i pay in installments", "can i pay in instalments"),  # the FAQs' spelling
        ("adressed", "adressed"),  # only whole English words are respelt
        ("when r ur agents online", "when are your agents online"),  # chat shorthand
        ("will u text me pls", "will you text me please"),
        ("藍牙耳機的保固是多久", "蓝牙耳机的保修是多久"),  # Taiwan's word for the shop's own
        ("發票要打統編", "发票要打税号"),
        ("點數可以折抵現金嗎", "积分可以抵扣现金吗"),
        ("and how fast to shanghai tho", "and how long to shanghai tho"),  # the FAQs ask "how long"
        ("how quickly will it get to beijing", "how long will it get to beijing"),
        # a product that "dropped by 40 yuan": its price did
        ("the blender dropped by 40 yuan today", "the blender price dropped by 40 yuan today"),
        ("the price dropped by 40 yuan", "the price dropped by 40 yuan"),
        ("the parcel dropped by the door", "the parcel dropped by the door"),
        ("我买了yun费险的", "我买了运费险的"),  # a shop word half typed in pinyin
        ("我的鸡分攒了老多了", "我的积分攒了老多了"),
        ("我买的东西少了一件", "我买的东西少发了1件"),  # the shop's word for a missing item
        ("少发了一件", "少发了1件"),
        ("能麻溜点不", "能快点不"),
        (
            "if they die after a few months am i covered?",
            "if they die after a few months is it under warranty?",
        ),
        # a city names the region the rules speak of
        ("那寄拉萨呢", "那寄拉萨西藏呢"),
        ("寄到高雄的話運費", "寄到高雄台湾的话运费"),
        ("and if im sending it to lhasa", "and if im sending it to lhasa tibet"),
        ("新地址是台北市大安區復興南路一段200號5樓", "新地址是台北市大安区复兴南路一段200号5楼"),
        # a defect described is a quality problem, as the FAQs say it
        ("衬衫洗了一次就开线了", "衬衫洗了1次就开线 质量问题了"),
        ("毛衣起球了 算质量问题吗", "毛衣起球了 算质量问题吗"),  # named already
        (
            "the stitching came undone after one wash",
            "the stitching came undone quality problem after one wash",
        ),
    ],
)
def test_normalise(typed: str, normal: str) -> None:
    assert normalise(typed) == normal
