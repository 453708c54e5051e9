"""What the quality-inspection page (``/console/qa.html``) says, in simplified Chinese and
English; traditional Chinese is derived with OpenCC (``kefu.i18n.to_traditional``). The page
also gets the live board's labels (skill groups, roles) and shows labels, never raw codes
(checks, statuses, appeal states, rubric items — those come with their labels from the API)."""

from __future__ import annotations

import json
from functools import lru_cache

from console.board_text import TEXTS as BOARD_TEXTS
from kefu.i18n import to_traditional

TEXTS: dict[str, tuple[str, str]] = {
    "qa": ("质检", "Quality inspection"),
    "tab.queue": ("质检队列", "QA queue"),
    "tab.mine": ("我的质检成绩", "My QA scores"),
    "tab.appeals": ("申诉处理", "Appeals"),
    "tab.rect": ("整改", "Rectification"),
    "tab.report": ("质检周报", "Weekly QA report"),
    "tab.setup": ("评分表与设置", "Rubric and settings"),
    "add_item": ("添加评分项", "Add item"),
    "save_rubric": ("保存评分表（新版本）", "Save rubric (new version)"),
    "item_key": ("代码", "Code"),
    "label_zh": ("中文名", "Chinese label"),
    "label_en": ("英文名", "English label"),
    "qa_settings": ("质检设置", "QA settings"),
    "set.sample_rate": ("每日抽检比例（%）", "Daily sample (%)"),
    "set.pass_threshold": ("合格线（分）", "Pass mark"),
    "set.reply_gap_s": ("回复间隔上限（秒）", "Slowest reply allowed (s)"),
    "set.rectify_working_days": ("整改期限（工作日）", "Rectification deadline (working days)"),
    "set.forbidden_phrases": (
        "禁语/冷漠用语（每行一个）",
        "Forbidden or cold phrases (one a line)",
    ),
    "set.greetings": ("问候语（每行一个）", "Greetings (one a line)"),
    "filter.all": ("全部", "All"),
    "filter.sampled": ("抽检", "Sampled"),
    "filter.flagged": ("自动检出", "Flagged"),
    "filter.mine": ("我评的", "Scored by me"),
    "status.any": ("全部状态", "Any status"),
    "status.pending": ("待评分", "To score"),
    "status.scored": ("已评分", "Scored"),
    "status.appealed": ("申诉中", "Appealed"),
    "agent_ph": ("客服账号", "Agent username"),
    "group_any": ("全部技能组", "All groups"),
    "refresh": ("刷新", "Refresh"),
    "conversation": ("会话", "Conversation"),
    "agent": ("客服", "Agent"),
    "ended": ("结束时间", "Ended"),
    "reasons": ("原因", "Reasons"),
    "state": ("状态", "Status"),
    "score": ("得分", "Score"),
    "open": ("打开", "Open"),
    "transcript": ("会话记录（只读，已脱敏）", "Transcript (read-only, masked)"),
    "no_transcript": ("会话记录已按保留期删除", "The transcript was removed after retention"),
    "rubric": ("评分表", "Rubric"),
    "item": ("评分项", "Item"),
    "weight": ("权重", "Weight"),
    "points": ("得分", "Points"),
    "max": ("满分", "Max"),
    "item_comment": ("点评", "Comment"),
    "comment": ("总评", "Overall comment"),
    "submit_score": ("提交评分", "Submit score"),
    "scored_ok": ("已评分", "Scored"),
    "total": ("总分", "Total"),
    "passed": ("合格", "Pass"),
    "failed": ("不合格", "Fail"),
    "threshold": ("合格线", "Pass mark"),
    "reviewer": ("质检员", "Reviewer"),
    "appeal": ("申诉", "Appeal"),
    "appeal_reason": ("申诉理由", "Reason for the appeal"),
    "appeal_sent": ("申诉已提交", "Appeal sent"),
    "appeal.none": ("未申诉", "Not appealed"),
    "appeal.pending": ("申诉待处理", "Appeal pending"),
    "appeal.upheld": ("申诉成立（已重评）", "Appeal upheld (rescored)"),
    "appeal.rejected": ("申诉驳回（终评）", "Appeal rejected (final)"),
    "uphold": ("申诉成立并重评", "Uphold and rescore"),
    "reject": ("驳回", "Reject"),
    "decision_note": ("处理意见", "Decision note"),
    "average": ("平均分", "Average"),
    "reviews": ("评分数", "Reviews"),
    "my_average": ("我的质检平均分", "My QA average"),
    "due": ("截止", "Due"),
    "overdue": ("已逾期", "Overdue"),
    "acknowledge": ("确认", "Acknowledge"),
    "mark_done": ("已完成整改", "Mark done"),
    "rect.open": ("待确认", "To acknowledge"),
    "rect.acknowledged": ("整改中", "In progress"),
    "rect.done": ("已完成", "Done"),
    "rect.cancelled": ("已取消（申诉成立）", "Cancelled (appeal upheld)"),
    "on_time": ("按时", "On time"),
    "late": ("逾期完成", "Late"),
    "check.forbidden_phrase": ("禁语/冷漠用语", "Forbidden or cold phrase"),
    "check.slow_first_reply": ("首次回复超时", "Slow first reply"),
    "check.slow_reply_gap": ("回复间隔过长", "Slow reply"),
    "check.missing_greeting": ("缺少问候语", "No greeting"),
    "sampled_tag": ("抽检", "Sampled"),
    "week_date": ("周内任一日期（留空为上周）", "A day of the week (empty: last week)"),
    "pass_rate": ("合格率", "Pass rate"),
    "by_agent": ("按客服", "By agent"),
    "by_group": ("按技能组", "By group"),
    "item_failures": ("不合格项分布", "Failures by rubric item"),
    "failures": ("不合格次数", "Failures"),
    "check_hits": ("自动检测命中", "Automatic-check hits"),
    "appeals": ("申诉", "Appeals"),
    "filed": ("提交", "Filed"),
    "rectification": ("整改", "Rectification"),
    "created": ("新增", "Created"),
    "done_on_time": ("按时完成", "Done on time"),
    "empty_week": ("本周没有质检记录", "No QA activity this week"),
    "logout": ("退出", "Log out"),
    "no_items": ("暂无", "None"),
    "error": ("出错了", "Something went wrong"),
}


@lru_cache(maxsize=1)
def qa_catalogue() -> dict[str, dict[str, str]]:
    texts = {**BOARD_TEXTS, **TEXTS}
    zh = {key: pair[0] for key, pair in texts.items()}
    return {
        "zh": zh,
        "zh-Hant": {key: to_traditional(text) for key, text in zh.items()},
        "en": {key: pair[1] for key, pair in texts.items()},
    }


def qa_catalogue_json() -> str:
    """The catalogue for a ``<script type="application/json">`` block (``<`` escaped)."""
    return json.dumps(qa_catalogue(), ensure_ascii=False).replace("<", "\\u003c")
