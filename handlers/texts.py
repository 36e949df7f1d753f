"""Every fixed sentence users read, in Simplified Chinese. Code elsewhere never spells them out."""

HOTLINE = "12345 政务服务便民热线"

NOT_COVERED = "抱歉，现有的政策文件中没有找到与「{question}」相关的内容。"
NOT_COVERED_TOPICS = "我能回答这些方面的问题：{topics}……"
NOT_COVERED_HINT = f"也可以换个说法再问，或拨打 {HOTLINE}。"
EMPTY_QUESTION = "请直接输入您想咨询的问题，例如：「失业金怎么领」「楼下广场舞太吵了」。"
NON_TEXT = "我只能看懂文字消息，请直接输入您的问题，例如：「失业金怎么领」。"
SLOW_DOWN = "您发送得太快了，请稍等一分钟再问。"
HUMAN = f"如需人工服务，请拨打 {HOTLINE}（24 小时受理咨询、投诉、求助和建议）。"
UNKNOWN_UNIT = "没有找到单位「{unit}」负责的条款。请输入单位全称或简称，例如：市人社局。"
UNKNOWN_DOC = "没有找到文件「{reference}」。请输入文号（如 黄政办发〔2022〕58号 或 58号）或文件标题。"
NO_SUCH_NOTICE = "抱歉，现有的政策文件中没有您说的这份文件。目前收录的文件有："
NO_SUCH_ITEM = "《{title}》{doc_no}中没有找到您说的这一条。发送「{doc_no}」可以查看它的条款目录。"
OTHER_PLACE = (
    "抱歉，现有的政策文件中没有{place}的文件，目前收录的是{places}的政策文件。"
    "{place}的政策请咨询当地 12345 政务服务便民热线。"
)
NOT_ADMIN = "抱歉，这个命令只有管理员可以使用。"
ERROR = f"抱歉，出了点问题，请稍后再试，或拨打 {HOTLINE}。"
NO_MORE = "没有更多结果了。"
MORE_HINT = "回复“更多”查看下一部分"

WELCOME = (
    "您好！我是政策问答助手，根据政府公开发布的政策文件回答问题，并告诉您牵头单位、责任单位和文件出处。\n"
    "您可以这样问：\n"
    "· 失业金怎么领\n"
    "· 楼下广场舞太吵了\n"
    "· 自来水水质有问题找谁\n"
    "· 市人社局负责哪些事\n"
    "· 58号文讲了什么\n"
    f"找不到答案时，请拨打 {HOTLINE}。"
)

# --- small talk (Answer.small_talk) --------------------------------------------------------------

GREETING = "您好！我是政策问答助手，可以根据政府公开发布的政策文件回答您的问题。请直接说您想办的事，例如："
EXAMPLE_QUESTION = "· {topic}有什么政策"
IDENTITY = (
    "我是政策问答助手（自动回复，不是真人），根据{places}公开发布的政策文件回答问题，"
    "告诉您相关条款、牵头单位、责任单位和文件出处。目前收录 {count} 份文件："
)
HOW_TO_ASK = "直接输入您想问的事就行，比如「{topic}有什么政策」；接着可以问「找哪个部门」「要什么条件」。"
YOU_ARE_WELCOME = "不客气！还有其他问题可以随时问我。"
GOODBYE = f"再见！以后有问题随时来问，也可以拨打 {HOTLINE}。"
ABUSE = f"抱歉没能帮上忙，给您添麻烦了。您可以换个说法再问一次，或拨打 {HOTLINE}，由工作人员为您解答。"

CHOOSE = "您问的是哪一项？"
CHOICE = "{n}. {heading}（{source}）"
CHOOSE_HINT = "请回复 {numbers}，或回复条款名称。"

LEAD = "牵头单位：{units}"
RESPONSIBLE = "责任单位：{units}"
DEADLINE = "完成时限：{deadline}"
SOURCE = "出处：{source}"
UNIT_LEADS = "{unit} 牵头 {count} 条："
UNIT_SHARES = "参与（责任单位）{count} 条："
ATTACHMENTS = "附件：{names}"

RELOAD_DONE = "知识库已更新（用时 {seconds:.1f} 秒）"
RELOAD_COUNTS = "文件 {files} 个 · 通知 {notices} 件 · 条款 {clauses} 条"
RELOAD_ADDED = "新增：{items}"
RELOAD_REMOVED = "删除：{items}"
RELOAD_CHANGED = "变更：{items}"
RELOAD_NO_UNITS = "无责任单位的条款 {count} 条：{items}"
RELOAD_FAILED = "更新失败，知识库未改动："
RELOAD_WARNINGS = "请检查 {count} 处："
RELOAD_STARTED = "正在更新知识库，更新期间照常回答问题……"

BUTTON_FULL = "完整条款"
BUTTON_NEXT = "下一条 ▸ {n}/{total}"
BUTTON_UP = "👍 有用"
BUTTON_DOWN = "👎 没用"
BUTTON_DOC = "本文件其他条款"
WECHAT_FOLLOW_UP = "回复“全文”看完整条款，回复“下一条”看其他结果。"
WECHAT_FOLLOW_UP_LAST = "回复“全文”看完整条款。"  # the last result: no 下一条 to offer
CONSOLE_FOLLOW_UP = "（输入“全文”看完整条款，输入“下一条”看其他结果）"
CONSOLE_FOLLOW_UP_LAST = "（输入“全文”看完整条款）"
THANKS = "谢谢您的反馈！"
SEARCH_HEADER = "「{question}」的前 {count} 条结果："
CANDIDATE = "—— 候选 {n}/{total}（得分 {score:.2f}）——"
NOT_CONFIDENT = "（以下候选都不足以作为回答，市民会收到上面的答复）"
ASK_FOLLOW_UP = "（加 --full 看完整条款，-n 5 看前 5 条候选）"

STATS = (
    "统计（{period}）：\n"
    "提问 {questions} 次，未能回答 {unanswered} 次（{share:.0%}）\n"
    "渠道：{channels}"
)
STATS_TOP = "最常问到的条款："
STATS_UNANSWERED = "最常见的未回答问题："
STATS_FEEDBACK = "反馈（👍/👎）："
STATS_ALL_TIME = "全部"
STATS_DAYS = "最近 {days} 天"
STATS_NO_LOG = "没有启用查询日志。"
WECHAT_TIMEOUT = f"抱歉，这次查询用时较长，请稍后再问一次，或拨打 {HOTLINE}。"

# --- Telegram (handlers/telegram.py) -------------------------------------------------------------

KNOWN_NOTICES = "目前收录的文件："
CMD_START = "开始使用：能回答什么、怎么问"
CMD_HELP = "使用说明和提问示例"
CMD_SEARCH = "列出前 5 条结果（工作人员用）：/search 问题"
CMD_UNIT = "某单位牵头或参与的条款：/unit 单位"
CMD_DOC = "文件的条款目录：/doc 文号"
CMD_RELOAD = "重建知识库（管理员）"
CMD_STATS = "提问和反馈统计（管理员）：/stats [天数]"
USAGE_SEARCH = "请在命令后写上问题，例如：/search 失业金怎么领"
USAGE_UNIT = "请在命令后写上单位名称，例如：/unit 市人社局"
USAGE_DOC = "请在命令后写上文号或文件标题，例如：/doc 58号"
EXPIRED = "这条回答已过期，请重新提问。"
