"""Demo 办事指南 of a community (火炬路社区, 金河尚居社区), written as its service hall would write them."""

from cloudplatform.identity.models import Community, StaffAccount
from cloudplatform.service.guides.models import Guide
from cloudplatform.service.guides.operations import create_guide

HOURS = "周一至周五 8:30-12:00，14:30-18:00（法定节假日除外）"
ID_CARD = "本人居民身份证原件及复印件"
HOUSEHOLD = "户口簿原件及复印件（户主页和本人页）"

# (bookable name or None, fields); the location's window is appended to "<community>党群服务中心一楼服务大厅"
GUIDES = [
    (
        "老年证办理",
        {
            "category": "老龄服务",
            "title": "老年证办理",
            "purpose": "为年满60周岁的老年人办理《陕西省老年人优待证》，持证可享受乘坐市内公交、"
            "公园景区门票、医院挂号等方面的优待。",
            "eligibility": "年满60周岁，户籍在本社区，或持本市居住证在本社区居住的老年人。"
            "证件遗失或损坏的，可按同样材料申请补办。",
            "materials": [
                ID_CARD,
                HOUSEHOLD,
                "近期一寸免冠彩色照片2张（白底）",
                "非本市户籍的，另带本市居住证原件及复印件",
                "委托他人代办的，另带代办人身份证原件",
            ],
            "window": "2号窗口（老龄服务）",
            "contact_name": "王丽（老龄专干）",
        },
    ),
    (
        "证明开具",
        {
            "category": "证明开具",
            "title": "居住证明开具",
            "purpose": "为在本社区实际居住的居民开具居住证明，用于子女入学、办理居住证、"
            "申领各类补贴等需要证明居住情况的事项。",
            "eligibility": "在本社区实际居住的居民（含租住人员）。须由网格员核实实际居住情况，"
            "核实无误后当场开具。",
            "materials": [
                ID_CARD,
                "户口簿或本市居住证原件",
                "房屋所有权证（不动产权证书）原件及复印件",
                "租住的，另带租赁合同原件及房东身份证复印件",
                "用途说明（如学校、单位要求的证明格式，请一并带来）",
            ],
            "window": "1号窗口（综合受理）",
            "contact_name": "张娜（综合受理员）",
        },
    ),
    (
        None,
        {
            "category": "社会救助",
            "title": "低保申请（城市最低生活保障）",
            "purpose": "为家庭人均收入低于本市城市低保标准、家庭财产状况符合规定的困难家庭"
            "按月发放最低生活保障金。",
            "eligibility": "具有本市城镇户籍并在本社区居住；共同生活的家庭成员月人均收入低于本市"
            "城市低保标准；家庭财产符合规定。社区受理后入户调查、民主评议并公示，"
            "报街道办事处审核、区民政局审批，一般30个工作日内办结。",
            "materials": [
                "《最低生活保障申请书》（社区领取，申请人签字）",
                "家庭成员身份证原件及复印件",
                HOUSEHOLD,
                "家庭成员收入证明（在职的由单位出具，失业的提供失业证明）",
                "家庭经济状况核对授权书（家庭成员签字）",
                "患重病或残疾的，提供病历、诊断证明或残疾人证",
                "户主本人名下银行卡复印件",
            ],
            "window": "3号窗口（民政服务）",
            "contact_name": "刘娟（民政专干）",
        },
    ),
    (
        None,
        {
            "category": "残疾人服务",
            "title": "残疾人证办理",
            "purpose": "为视力、听力、言语、肢体、智力、精神等残疾人申领第二代《中华人民共和国残疾人证》，"
            "持证可享受残疾人两项补贴、康复救助等政策。",
            "eligibility": "户籍在本社区、符合残疾评定标准的居民。社区受理并初审后，"
            "申请人到区残联指定医院进行残疾评定，评定合格后由区残联制证。",
            "materials": [
                ID_CARD + "（未成年人带户口簿）",
                HOUSEHOLD,
                "近期二寸免冠白底彩色照片3张",
                "《残疾人证申请表》（社区领取）",
                "与残疾相关的病历、诊断证明等医疗资料",
            ],
            "window": "4号窗口（残疾人服务）",
            "contact_name": "赵强（残疾人专职委员）",
        },
    ),
    (
        None,
        {
            "category": "老龄服务",
            "title": "高龄津贴申领",
            "purpose": "为80周岁以上的老年人按月发放高龄津贴，标准按省、市规定执行，"
            "由区民政局直接打入老人本人的社会保障卡或银行账户。",
            "eligibility": "具有本市户籍、在本社区居住、年满80周岁的老年人，自满80周岁的次月起可申领。"
            "已领取的老人每年须进行一次资格认证（可在社区或手机上完成）。",
            "materials": [
                ID_CARD,
                HOUSEHOLD,
                "本人社会保障卡或本人名下银行卡复印件",
                "近期一寸免冠彩色照片1张",
                "行动不便由家属代办的，另带代办人身份证原件",
            ],
            "window": "2号窗口（老龄服务）",
            "contact_name": "王丽（老龄专干）",
        },
    ),
    (
        None,
        {
            "category": "计划生育",
            "title": "独生子女父母光荣证办理",
            "purpose": "为符合条件的独生子女父母办理《独生子女父母光荣证》，"
            "作为享受独生子女父母奖励扶助等政策的凭证；遗失的可申请补办。",
            "eligibility": "一方户籍在本社区，按规定只生育一个子女的夫妻。"
            "具体条件以区卫生健康局当年政策为准，办理前可先电话咨询。",
            "materials": [
                "夫妻双方身份证原件及复印件",
                "夫妻双方户口簿原件及复印件",
                "结婚证原件及复印件",
                "子女出生医学证明或户口簿复印件",
                "夫妻二寸合影照片1张",
            ],
            "window": "5号窗口（计生服务）",
            "contact_name": "陈静（计生专干）",
        },
    ),
    (
        "证明开具",
        {
            "category": "计划生育",
            "title": "计划生育证明（婚育情况证明）开具",
            "purpose": "为本社区居民开具婚育情况证明，用于办理生育登记、入职、落户等需要证明婚育情况的事项。",
            "eligibility": "户籍在本社区，或持本市居住证在本社区居住的育龄居民。材料齐全的当场开具。",
            "materials": [
                ID_CARD,
                HOUSEHOLD,
                "已婚的带结婚证原件，离异的带离婚证或法院判决书",
                "已生育的带子女出生医学证明",
            ],
            "window": "5号窗口（计生服务）",
            "contact_name": "陈静（计生专干）",
        },
    ),
    (
        "活动室预约",
        {
            "category": "场地预约",
            "title": "社区活动室借用",
            "purpose": "社区党群服务中心二楼多功能活动室免费向辖区居民开放，可用于文体活动、"
            "志愿服务、居民议事、兴趣小组等公益活动。",
            "eligibility": "辖区居民、居民自治组织、志愿服务队及驻区单位开展公益性活动均可借用，"
            "不得用于营利性或与活动申请不符的用途。请至少提前1天预约，使用后恢复原状。",
            "materials": [
                "借用人身份证原件",
                "《社区活动室借用登记表》（现场填写，注明活动内容、人数和负责人电话）",
                "团体活动的，另带活动方案",
            ],
            "window": "1号窗口（综合受理）",
            "contact_name": "张娜（综合受理员）",
        },
    ),
    (
        None,
        {
            "category": "医疗保障",
            "title": "城乡居民医保参保登记",
            "purpose": "为未参加职工医保的居民办理城乡居民基本医疗保险参保登记，"
            "参保后住院、门诊慢特病、两病门诊用药等费用可按规定报销。",
            "eligibility": "未参加职工基本医疗保险的本市户籍居民，以及持本市居住证的非本市户籍居民；"
            "新生儿自出生之日起可参保。每年集中缴费期为9月至12月（缴纳次年费用）；"
            "低保对象、特困人员、重度残疾人等按规定享受参保资助。",
            "materials": [
                ID_CARD + "（新生儿带出生医学证明）",
                HOUSEHOLD,
                "非本市户籍的，另带本市居住证",
                "享受资助的，另带低保证、特困证或残疾人证",
            ],
            "window": "6号窗口（社保服务）",
            "contact_name": "李敏（劳动保障协理员）",
        },
    ),
    (
        None,
        {
            "category": "社会救助",
            "title": "临时救助申请",
            "purpose": "对因火灾、交通事故、突发重大疾病等意外事件，或因生活必需支出突然增加，"
            "导致基本生活暂时出现严重困难的家庭或个人给予临时救助。",
            "eligibility": "在本社区居住、基本生活暂时出现严重困难的家庭或个人。情况紧急的，"
            "社区可先行救助，事后补齐材料。",
            "materials": [
                "《临时救助申请书》（社区领取，申请人签字）",
                "申请人及家庭成员身份证、户口簿原件及复印件",
                "困难情况证明（如医疗费用票据、诊断证明、事故或受灾证明）",
                "家庭经济状况核对授权书",
                "申请人本人名下银行卡复印件",
            ],
            "window": "3号窗口（民政服务）",
            "contact_name": "刘娟（民政专干）",
        },
    ),
]


def load_demo(
    community: Community, staff: StaffAccount, bookables: dict[str, int] | None = None
) -> list[Guide]:
    """Write the demo guides of ``community`` as ``staff``; ``bookables`` (name → id) links services."""
    bookables = bookables or {}
    hall = f"{community.name}党群服务中心一楼服务大厅"
    guides = []
    for bookable_name, fields in GUIDES:
        fields = dict(fields)
        window = fields.pop("window")
        guides.append(
            create_guide(
                staff,
                community.id,
                **fields,
                location=f"{hall}{window}",
                hours=HOURS,
                contact_phone=community.phone or "0917-3215018",
                bookable_id=bookables.get(bookable_name) if bookable_name else None,
            )
        )
    return guides
