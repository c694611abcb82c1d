"""Reference lists for the fictional demo district 示范区.

Everything here is invented or generic: unit names are the standard names of a Chinese
district's departments, matter names are the usual public services, laws are cited by their
real titles, and people's names are drawn at random from common surnames and given-name
characters (no real person is meant). The builder picks from these lists with a seeded RNG.
"""

from __future__ import annotations

from dataclasses import dataclass

from org.models import Unit


@dataclass(frozen=True)
class UnitSpec:
    """A unit of the demo district and what it offers the public.

    `in_hall`: the unit has a window in a service hall (the district hall for departments,
    the township's own 便民服务中心 for townships and streets), so it gets window staff and
    most of its matters are handled there.
    """

    code: str
    name: str
    short_name: str
    kind: str
    in_hall: bool = False
    matters: tuple[str, ...] = ()
    materials: tuple[str, ...] = ()
    laws: tuple[str, ...] = ()
    parent: str | None = None


def words(text: str) -> tuple[str, ...]:
    """Whitespace-separated names (none contains a space), so the lists stay compact."""
    return tuple(text.split())


DISTRICT = "示范区"

D = Unit.Kind.DEPARTMENT

DEPARTMENTS: tuple[UnitSpec, ...] = (
    UnitSpec(
        "MKT",
        "区市场监督管理局",
        "市场监管局",
        D,
        in_hall=True,
        matters=words(
            """
            个体工商户营业执照设立登记 企业营业执照设立登记 企业营业执照变更登记
            营业执照遗失补领 企业营业执照注销登记 农民专业合作社营业执照设立登记
            食品经营许可证核发 食品经营许可证变更 小餐饮登记证核发 药品零售企业经营许可
            第二类医疗器械经营备案 企业名称自主申报 计量器具强制检定 特种设备使用登记
            """
        ),
        materials=words(
            """
            营业执照 经营场所证明 公司章程 法定代表人身份证明 食品安全管理制度 从业人员健康证明
            经营设备布局图 名称自主申报告知书 股东会决议
            """
        ),
        laws=words(
            """
            《中华人民共和国市场主体登记管理条例》 《中华人民共和国食品安全法》
            《中华人民共和国行政许可法》 《中华人民共和国药品管理法》
            《中华人民共和国特种设备安全法》 《中华人民共和国计量法》 《医疗器械监督管理条例》
            《中华人民共和国公司法》
            """
        ),
    ),
    UnitSpec(
        "HRS",
        "区人力资源和社会保障局",
        "人社局",
        D,
        in_hall=True,
        matters=words(
            """
            失业保险金申领 社会保障卡申领 社会保障卡补换 城乡居民基本养老保险参保登记
            城镇职工基本养老保险关系转移接续 就业创业证申领 创业担保贷款申请
            灵活就业人员社会保险补贴申领 工伤认定申请 劳动人事争议仲裁申请 技能提升补贴申领
            养老保险待遇领取资格认证 退休人员基本养老金申领 企业职工基本养老保险个人权益记录查询
            """
        ),
        materials=words(
            """
            社会保障卡 户口簿 劳动合同 解除或终止劳动合同证明 银行账户信息 近期免冠照片
            工伤事故报告 医疗诊断证明 营业执照
            """
        ),
        laws=words(
            """
            《中华人民共和国社会保险法》 《失业保险条例》 《工伤保险条例》
            《中华人民共和国就业促进法》 《中华人民共和国劳动争议调解仲裁法》
            """
        ),
    ),
    UnitSpec(
        "CIV",
        "区民政局",
        "民政局",
        D,
        in_hall=True,
        matters=words(
            """
            结婚登记 离婚登记 补领结婚证 最低生活保障审批 特困人员救助供养审批 临时救助审批
            困难残疾人生活补贴审批 重度残疾人护理补贴审批 经济困难老年人养老服务补贴
            社会团体成立登记 民办非企业单位成立登记 养老机构备案 惠民殡葬补贴申领
            """
        ),
        materials=words(
            """
            户口簿 婚姻状况证明 家庭经济状况核对授权书 收入证明 残疾人证 章程草案 验资报告
            近期二寸免冠照片
            """
        ),
        laws=words(
            """
            《婚姻登记条例》 《社会救助暂行办法》 《社会团体登记管理条例》
            《民办非企业单位登记管理暂行条例》 《中华人民共和国老年人权益保障法》
            《殡葬管理条例》 《中华人民共和国残疾人保障法》
            """
        ),
    ),
    UnitSpec(
        "HOU",
        "区住房和城乡建设局",
        "住建局",
        D,
        in_hall=True,
        matters=words(
            """
            建筑工程施工许可证核发 商品房预售许可 建设工程竣工验收备案 建设工程消防验收
            公共租赁住房申请审核 住房租赁补贴申请 建筑业企业资质核准 城镇污水排入排水管网许可
            燃气经营许可证核发 房地产经纪机构备案 物业服务合同备案
            """
        ),
        materials=words(
            """
            建设工程规划许可证 施工合同 施工图审查合格书 监理合同 不动产权证书 房屋租赁合同
            家庭收入证明 资质证书 营业执照
            """
        ),
        laws=words(
            """
            《中华人民共和国建筑法》 《城市房地产开发经营管理条例》 《建设工程质量管理条例》
            《中华人民共和国消防法》 《城镇燃气管理条例》 《城镇排水与污水处理条例》
            《公共租赁住房管理办法》 《物业管理条例》
            """
        ),
    ),
    UnitSpec(
        "NRS",
        "区自然资源局",
        "自然资源局",
        D,
        in_hall=True,
        matters=words(
            """
            建设项目用地预审与选址意见书核发 建设用地规划许可证核发 建设工程规划许可证核发
            乡村建设规划许可证核发 临时用地审批 国有建设用地使用权出让审核 林木采伐许可证核发
            地质灾害危险性评估备案 建设工程规划条件核实
            """
        ),
        materials=words(
            """
            建设项目批准文件 用地红线图 建设工程设计方案 土地权属证明 地籍调查报告 林木权属证明
            伐区调查设计
            """
        ),
        laws=words(
            """
            《中华人民共和国土地管理法》 《中华人民共和国城乡规划法》 《中华人民共和国森林法》
            《地质灾害防治条例》 《中华人民共和国土地管理法实施条例》
            """
        ),
    ),
    UnitSpec(
        "TRA",
        "区交通运输局",
        "交通运输局",
        D,
        in_hall=True,
        matters=words(
            """
            道路货物运输经营许可 道路旅客运输经营许可 出租汽车驾驶员从业资格注册
            网络预约出租汽车运输证核发 公路超限运输许可 涉路施工许可 道路运输证配发
            机动车维修经营备案 机动车驾驶员培训经营备案 道路货物运输驾驶员从业资格证换证
            """
        ),
        materials=words(
            """
            机动车行驶证 机动车驾驶证 从业资格证 车辆技术等级评定证明 安全生产管理制度 营业执照
            施工方案
            """
        ),
        laws=words(
            """
            《中华人民共和国道路运输条例》 《中华人民共和国公路法》 《公路安全保护条例》
            《网络预约出租汽车经营服务管理暂行办法》 《出租汽车驾驶员从业资格管理规定》
            """
        ),
    ),
    UnitSpec(
        "HLT",
        "区卫生健康局",
        "卫健局",
        D,
        in_hall=True,
        matters=words(
            """
            医疗机构执业登记 诊所备案 医师执业注册 护士执业注册 公共场所卫生许可证核发
            生活饮用水供水单位卫生许可 放射诊疗许可 出生医学证明补发 计划生育家庭特别扶助金申领
            农村部分计划生育家庭奖励扶助 母婴保健技术服务执业许可
            """
        ),
        materials=words(
            """
            医师资格证书 执业证书 健康体检证明 卫生检测报告 房屋平面布局图 设备清单 出生医学证明
            独生子女父母光荣证 营业执照
            """
        ),
        laws=words(
            """
            《医疗机构管理条例》 《中华人民共和国医师法》 《护士条例》 《公共场所卫生管理条例》
            《中华人民共和国母婴保健法》 《中华人民共和国人口与计划生育法》 《放射诊疗管理规定》
            """
        ),
    ),
    UnitSpec(
        "EDU",
        "区教育局",
        "教育局",
        D,
        in_hall=True,
        matters=words(
            """
            教师资格认定 民办学校设立审批 校外培训机构设立审批 幼儿园设立审批 义务教育阶段转学
            学籍变更 家庭经济困难学生资助申请 教师资格证书补办 适龄儿童入学登记 学历证明书补办
            """
        ),
        materials=words(
            """
            户口簿 学籍证明 学历证书 普通话水平测试等级证书 体检合格证明 办学场所证明
            资产来源证明 办学章程
            """
        ),
        laws=words(
            """
            《中华人民共和国教育法》 《中华人民共和国教师法》 《教师资格条例》
            《中华人民共和国民办教育促进法》 《中华人民共和国义务教育法》
            """
        ),
    ),
    UnitSpec(
        "PSB",
        "区公安分局",
        "公安分局",
        D,
        in_hall=True,
        matters=words(
            """
            居民身份证申领 居民身份证换领 临时居民身份证办理 户口迁入 户口迁出 出生登记
            居住证申领 无犯罪记录证明开具 大型群众性活动安全许可 旅馆业特种行业许可证核发
            印章刻制业特种行业许可 剧毒化学品购买许可 户籍证明开具 居民户口簿补领
            """
        ),
        materials=words(
            """
            户口簿 出生医学证明 准迁证 居住证明 近期免冠照片 房屋租赁合同 活动方案 营业执照
            """
        ),
        laws=words(
            """
            《中华人民共和国居民身份证法》 《中华人民共和国户口登记条例》 《居住证暂行条例》
            《大型群众性活动安全管理条例》 《旅馆业治安管理办法》 《危险化学品安全管理条例》
            """
        ),
    ),
    UnitSpec(
        "TAX",
        "区税务局",
        "税务局",
        D,
        in_hall=True,
        matters=words(
            """
            增值税专用发票领用 发票代开 个人所得税综合所得汇算清缴 纳税人信息变更 清税证明开具
            完税证明开具 增值税一般纳税人登记 跨区域涉税事项报告 出口退税备案 税收减免备案
            """
        ),
        materials=words(
            """
            营业执照 经办人身份证件 发票领用簿 购销合同 财务报表 税控设备
            """
        ),
        laws=words(
            """
            《中华人民共和国税收征收管理法》 《中华人民共和国发票管理办法》
            《中华人民共和国个人所得税法》 《中华人民共和国增值税暂行条例》
            """
        ),
    ),
    UnitSpec(
        "MED",
        "区医疗保障局",
        "医保局",
        D,
        in_hall=True,
        matters=words(
            """
            城乡居民基本医疗保险参保登记 职工医保关系转移接续 异地就医备案 门诊慢特病待遇认定
            医疗费用手工报销 生育津贴申领 定点医药机构协议管理申请 医疗救助申请 参保缴费凭证打印
            """
        ),
        materials=words(
            """
            医保电子凭证 社会保障卡 医疗费用发票 费用明细清单 出院小结 诊断证明 参保缴费凭证
            营业执照
            """
        ),
        laws=words(
            """
            《中华人民共和国社会保险法》 《医疗保障基金使用监督管理条例》
            《基本医疗保险用药管理暂行办法》
            """
        ),
    ),
    UnitSpec(
        "VET",
        "区退役军人事务局",
        "退役军人事务局",
        D,
        in_hall=True,
        matters=words(
            """
            退役士兵自主就业一次性经济补助申领 退役军人优待证申领 伤残抚恤关系接收
            烈士遗属定期抚恤金发放 在乡复员军人定期定量补助 退役军人帮扶援助申请
            优抚对象医疗补助 光荣牌悬挂申请
            """
        ),
        materials=words(
            """
            退役证 户口簿 伤残证件 烈士证明书 银行账户信息 医疗费用票据
            """
        ),
        laws=words(
            """
            《中华人民共和国退役军人保障法》 《军人抚恤优待条例》 《退役士兵安置条例》
            《烈士褒扬条例》
            """
        ),
    ),
    UnitSpec(
        "AGR",
        "区农业农村局",
        "农业农村局",
        D,
        in_hall=True,
        matters=words(
            """
            农药经营许可 兽药经营许可证核发 动物防疫条件合格证核发 农作物种子生产经营许可证核发
            拖拉机和联合收割机登记 农业机械购置补贴申领 生猪定点屠宰证书核发 渔业船舶登记
            农村土地承包经营权流转备案 动物诊疗许可证核发
            """
        ),
        materials=words(
            """
            营业执照 经营场所证明 仓储设施证明 专业技术人员资格证明 机具购置发票 土地承包合同
            检疫合格证明
            """
        ),
        laws=words(
            """
            《农药管理条例》 《兽药管理条例》 《中华人民共和国动物防疫法》
            《中华人民共和国种子法》 《中华人民共和国农业机械化促进法》 《生猪屠宰管理条例》
            《中华人民共和国农村土地承包法》 《中华人民共和国渔业法》
            """
        ),
    ),
    UnitSpec(
        "ENV",
        "区生态环境局",
        "生态环境局",
        D,
        in_hall=True,
        matters=words(
            """
            建设项目环境影响报告表审批 建设项目环境影响登记表备案 排污许可证核发
            危险废物经营许可 辐射安全许可证核发 突发环境事件应急预案备案 排污许可证变更
            """
        ),
        materials=words(
            """
            环境影响报告表 排污许可申请表 监测报告 项目批准文件 应急预案 营业执照
            """
        ),
        laws=words(
            """
            《中华人民共和国环境影响评价法》 《排污许可管理条例》
            《中华人民共和国固体废物污染环境防治法》 《放射性同位素与射线装置安全和防护条例》
            《中华人民共和国环境保护法》
            """
        ),
    ),
    UnitSpec(
        "URB",
        "区城市管理局",
        "城管局",
        D,
        in_hall=True,
        matters=words(
            """
            城市建筑垃圾处置核准 设置大型户外广告审批 临时占用城市道路审批 挖掘城市道路审批
            城市绿地占用审批 砍伐城市树木审批 店招店牌设置备案
            城市生活垃圾经营性清扫收运处理服务审批 临时摊点设置许可
            """
        ),
        materials=words(
            """
            设计效果图 施工方案 场地平面图 产权或使用权证明 安全承诺书 营业执照
            """
        ),
        laws=words(
            """
            《城市市容和环境卫生管理条例》 《城市道路管理条例》 《城市绿化条例》
            《城市建筑垃圾管理规定》
            """
        ),
    ),
    UnitSpec(
        "EMG",
        "区应急管理局",
        "应急管理局",
        D,
        in_hall=False,
        matters=words(
            """
            危险化学品经营许可证核发 烟花爆竹经营（零售）许可 生产安全事故应急预案备案
            非药品类易制毒化学品经营备案 危险化学品建设项目安全条件审查 危险化学品经营许可证延期
            安全生产标准化评审备案
            """
        ),
        materials=words(
            """
            安全评价报告 安全生产管理制度 应急预案 主要负责人安全考核合格证明 经营场所证明
            营业执照
            """
        ),
        laws=words(
            """
            《中华人民共和国安全生产法》 《危险化学品安全管理条例》 《烟花爆竹安全管理条例》
            《易制毒化学品管理条例》 《生产安全事故应急条例》
            """
        ),
    ),
    UnitSpec(
        "CUL",
        "区文化和旅游局",
        "文旅局",
        D,
        in_hall=True,
        matters=words(
            """
            娱乐场所经营许可 互联网上网服务营业场所经营许可 营业性演出审批 旅行社设立许可
            文物保护单位建设控制地带内建设工程设计方案审核 出版物零售业务许可
            公共图书馆读者证办理 A级旅游景区评定初审
            """
        ),
        materials=words(
            """
            营业执照 经营场所证明 消防安全检查合格证明 演出合同 节目内容说明 质量保证金存款证明
            """
        ),
        laws=words(
            """
            《娱乐场所管理条例》 《互联网上网服务营业场所管理条例》 《营业性演出管理条例》
            《旅行社条例》 《中华人民共和国文物保护法》 《出版管理条例》
            《中华人民共和国公共图书馆法》 《中华人民共和国旅游法》
            """
        ),
    ),
    UnitSpec(
        "COM",
        "区商务局",
        "商务局",
        D,
        in_hall=True,
        matters=words(
            """
            对外贸易经营者备案登记 单用途商业预付卡备案 二手车交易市场经营者备案
            成品油零售经营资格审批初审 再生资源回收经营者备案 拍卖企业设立初审 酒类流通备案
            """
        ),
        materials=words(
            """
            营业执照 经营场所证明 备案登记表 法定代表人身份证明 资金监管协议
            """
        ),
        laws=words(
            """
            《中华人民共和国对外贸易法》 《单用途商业预付卡管理办法（试行）》
            《二手车流通管理办法》 《再生资源回收管理办法》 《中华人民共和国拍卖法》
            《酒类流通管理办法》
            """
        ),
    ),
    UnitSpec(
        "DEV",
        "区发展和改革局",
        "发改局",
        D,
        in_hall=True,
        matters=words(
            """
            企业投资项目备案 企业投资项目核准 政府投资项目建议书审批
            政府投资项目可行性研究报告审批 固定资产投资项目节能审查 涉案财物价格认定
            粮食收购资格备案
            """
        ),
        materials=words(
            """
            项目申请报告 可行性研究报告 节能报告 项目建议书 用地预审意见 营业执照
            """
        ),
        laws=words(
            """
            《企业投资项目核准和备案管理条例》 《政府投资条例》 《固定资产投资项目节能审查办法》
            《中华人民共和国价格法》 《粮食流通管理条例》
            """
        ),
    ),
    UnitSpec(
        "FIN",
        "区财政局",
        "财政局",
        D,
        in_hall=False,
        matters=words(
            """
            代理记账机构审批 政府采购供应商投诉处理 会计人员信息采集 非税收入票据核销
            行政事业单位国有资产处置审批 政府采购进口产品审核
            """
        ),
        materials=words(
            """
            申请报告 资产清单 会计人员名单 票据存根 采购需求文件 营业执照
            """
        ),
        laws=words(
            """
            《中华人民共和国会计法》 《代理记账管理办法》 《中华人民共和国政府采购法》
            《行政事业性国有资产管理条例》
            """
        ),
    ),
    UnitSpec(
        "JUS",
        "区司法局",
        "司法局",
        D,
        in_hall=True,
        matters=words(
            """
            法律援助申请 人民调解申请 公证事项咨询 基层法律服务工作者执业核准 律师事务所设立初审
            社区矫正对象外出审批 司法鉴定机构设立初审
            """
        ),
        materials=words(
            """
            经济困难状况说明 争议事实材料 执业证书 律师执业证 机构章程 合伙协议
            """
        ),
        laws=words(
            """
            《中华人民共和国法律援助法》 《中华人民共和国人民调解法》 《中华人民共和国律师法》
            《中华人民共和国社区矫正法》 《基层法律服务工作者管理办法》
            """
        ),
    ),
    UnitSpec(
        "WAT",
        "区水利局",
        "水利局",
        D,
        in_hall=False,
        matters=words(
            """
            取水许可 河道管理范围内建设项目工程建设方案审批 生产建设项目水土保持方案审批
            洪水影响评价审批 河道采砂许可 农村供水工程管护补助申请
            """
        ),
        materials=words(
            """
            水资源论证报告 建设项目批准文件 工程建设方案 水土保持方案报告书 防洪评价报告
            """
        ),
        laws=words(
            """
            《中华人民共和国水法》 《取水许可和水资源费征收管理条例》 《中华人民共和国防洪法》
            《中华人民共和国水土保持法》 《中华人民共和国河道管理条例》
            """
        ),
    ),
    UnitSpec(
        "DPF",
        "区残疾人联合会",
        "残联",
        D,
        in_hall=True,
        matters=words(
            """
            残疾人证核发 残疾人证换领 残疾人证迁移 残疾人辅助器具适配补贴 残疾儿童康复救助申请
            残疾人就业创业补贴 残疾人机动轮椅车燃油补贴
            """
        ),
        materials=words(
            """
            残疾人证 户口簿 残疾评定表 医院诊断证明 近期二寸免冠照片
            """
        ),
        laws=words(
            """
            《中华人民共和国残疾人保障法》 《残疾预防和残疾人康复条例》 《残疾人就业条例》
            """
        ),
    ),
    UnitSpec(
        "REG",
        "区不动产登记中心",
        "不动产登记中心",
        D,
        in_hall=True,
        matters=words(
            """
            国有建设用地使用权及房屋所有权首次登记 国有建设用地使用权及房屋所有权转移登记
            抵押权首次登记 抵押权注销登记 不动产权证书补发 不动产登记资料查询 预告登记 更正登记
            异议登记 宅基地使用权及房屋所有权首次登记
            """
        ),
        materials=words(
            """
            不动产权证书 不动产权籍调查成果 房屋买卖合同 完税凭证 抵押合同 主债权合同 户口簿
            """
        ),
        laws=words(
            """
            《不动产登记暂行条例》 《中华人民共和国民法典》 《不动产登记暂行条例实施细则》
            """
        ),
        # The registration centre is an institution under the natural resources bureau.
        parent="NRS",
    ),
)

TOWNSHIP_MATTERS: tuple[str, ...] = words(
    """
    农村宅基地申请审批初审 困难群众临时救助 最低生活保障申请受理 城乡居民基本养老保险参保登记
    农村危房改造申请 生育登记 计划生育家庭奖励扶助初审 耕地地力保护补贴申领 乡村建设规划许可初审
    高龄津贴申领 惠民殡葬补贴申领 村民建房开工查验
    """
)

TOWNSHIP_MATERIALS: tuple[str, ...] = words(
    """
    户口簿 村民委员会意见 家庭经济状况核对授权书 宅基地使用承诺书 房屋现状照片 土地承包经营权证
    银行账户信息 结婚证
    """
)

TOWNSHIP_LAWS: tuple[str, ...] = words(
    """
    《中华人民共和国土地管理法》 《社会救助暂行办法》 《中华人民共和国城乡规划法》
    《中华人民共和国人口与计划生育法》 《中华人民共和国社会保险法》
    《中华人民共和国老年人权益保障法》
    """
)

STREET_MATTERS: tuple[str, ...] = words(
    """
    居住证申领受理 困难群众临时救助 最低生活保障申请受理 高龄津贴申领
    城乡居民基本养老保险参保登记 生育登记 就业失业登记 老年人优待证办理
    """
)

STREET_MATERIALS: tuple[str, ...] = words(
    """
    户口簿 居住证明 房屋租赁合同 家庭经济状况核对授权书 银行账户信息 近期二寸免冠照片 结婚证
    """
)

STREET_LAWS: tuple[str, ...] = words(
    """
    《居住证暂行条例》 《社会救助暂行办法》 《中华人民共和国就业促进法》
    《中华人民共和国老年人权益保障法》 《中华人民共和国人口与计划生育法》
    """
)

# (code, name stem): the unit is "<stem>镇人民政府", short name "<stem>镇".
TOWNSHIPS: tuple[tuple[str, str], ...] = (
    ("QSZ", "青石"),
    ("LXZ", "柳溪"),
    ("BSZ", "白沙"),
    ("YTZ", "云台"),
    ("TYZ", "桃源"),
    ("LQZ", "龙泉"),
    ("SGZ", "松岗"),
    ("SHZ", "双河"),
    ("JQZ", "金桥"),
    ("SMZ", "石门"),
)
# (code, name stem): the unit is "<stem>街道办事处", short name "<stem>街道".
STREETS: tuple[tuple[str, str], ...] = (
    ("CGJD", "城关"),
    ("DHJD", "东湖"),
    ("XYJD", "西苑"),
    ("NMJD", "南门"),
)

SERVICE_HALL = UnitSpec("ZWZX", "区政务服务中心", "政务服务中心", Unit.Kind.SERVICE_HALL)
SUPERVISION = UnitSpec("DCS", "区政府督查室", "督查室", Unit.Kind.SUPERVISION)
DISCIPLINE = UnitSpec("JJW", "区纪委监委", "纪委监委", Unit.Kind.DISCIPLINE)

# Materials any matter may ask for, in addition to its unit's own list.
COMMON_MATERIALS: tuple[str, ...] = ("居民身份证", "授权委托书", "承诺书")
MATERIAL_NOTES: tuple[str, ...] = (
    "委托他人办理的，另需提供授权委托书及受托人身份证",
    "可通过数据共享获取的，免于提交",
    "复印件需加盖公章",
    "原件核验后退回",
)

FEES: tuple[str, ...] = (
    "按国家规定标准收取工本费",
    "证书工本费10元/本",
    "依据省级价格主管部门核定的标准收费",
)

ROADS: tuple[str, ...] = (
    "人民路",
    "建设路",
    "解放路",
    "文化路",
    "府前街",
    "新华路",
    "中山路",
    "滨河路",
    "朝阳路",
)

SURNAMES: str = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_NAME_CHARS: str = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红兰文辉建国志海鹏飞宇晨欣怡佳琳雪"
    "婷浩然子轩思雨嘉俊凯斌晓丹蕾颖博远宁峰波亮慧倩琴晶鑫昊阳瑞泽睿梓涵诗悦梅燕琦彬毅振兴鸿"
    "松林荣春秋"
)

# Job titles by unit kind; the head's title depends on what the unit is called.
STAFF_TITLES: dict[str, tuple[str, ...]] = {
    Unit.Kind.DEPARTMENT: ("科员", "副科长", "科长", "四级主任科员", "办事员"),
    Unit.Kind.TOWNSHIP: ("党政办干事", "社会事务办干事", "经济发展办干事", "便民服务中心工作人员"),
    Unit.Kind.STREET: ("社会事务科干事", "党政办干事", "便民服务中心工作人员"),
    Unit.Kind.SERVICE_HALL: ("综合科科员", "窗口管理科科长", "效能督查科科员"),
    Unit.Kind.SUPERVISION: ("督查专员", "督查科科长", "督查科科员"),
    Unit.Kind.DISCIPLINE: ("纪检监察员", "审查调查室主任", "信访室科员"),
}
HEAD_TITLES: tuple[tuple[str, str], ...] = (
    # (suffix of the unit name, title of its head); first match wins.
    ("镇人民政府", "镇长"),
    ("街道办事处", "主任"),
    ("联合会", "理事长"),
    ("纪委监委", "书记"),
    ("局", "局长"),
    ("中心", "主任"),
    ("室", "主任"),
)
WINDOW_TITLE = "窗口工作人员"

LICENSING_LAW = "《中华人民共和国行政许可法》"
# Two-character words too common in matter and law names to say which law fits.
GENERIC_BIGRAMS: frozenset[str] = frozenset(
    ("经营", "管理", "许可", "条例", "办法", "规定", "暂行", "申请", "服务", "备案", "保障")
)
# (keyword in a matter's name, law to cite) where the names share no word; used only when
# the unit cites that law at all.
LAW_HINTS: tuple[tuple[str, str], ...] = (
    ("小餐饮", "《中华人民共和国食品安全法》"),
    ("高龄", "《中华人民共和国老年人权益保障法》"),
    ("老年人", "《中华人民共和国老年人权益保障法》"),
    ("养老机构", "《中华人民共和国老年人权益保障法》"),
    ("养老", "《中华人民共和国社会保险法》"),
    ("最低生活保障", "《社会救助暂行办法》"),
    ("残疾", "《中华人民共和国残疾人保障法》"),
    ("拖拉机", "《中华人民共和国农业机械化促进法》"),
    ("辐射", "《放射性同位素与射线装置安全和防护条例》"),
    ("树木", "《城市绿化条例》"),
    ("旅游", "《中华人民共和国旅游法》"),
    ("政府投资", "《政府投资条例》"),
    ("洪水", "《中华人民共和国防洪法》"),
    ("维修", "《中华人民共和国道路运输条例》"),
    ("物业", "《物业管理条例》"),
    ("培训", "《中华人民共和国道路运输条例》"),
    ("医保", "《中华人民共和国社会保险法》"),
    ("参保", "《中华人民共和国社会保险法》"),
    ("宅基地", "《中华人民共和国土地管理法》"),
    ("建房", "《中华人民共和国城乡规划法》"),
    ("危房", "《中华人民共和国城乡规划法》"),
    ("生育", "《中华人民共和国人口与计划生育法》"),
    ("居住证", "《居住证暂行条例》"),
    ("失业", "《中华人民共和国就业促进法》"),
    ("身份证", "《中华人民共和国居民身份证法》"),
    ("户口", "《中华人民共和国户口登记条例》"),
    ("出生", "《中华人民共和国户口登记条例》"),
    ("殡葬", "《殡葬管理条例》"),
    ("发票", "《中华人民共和国发票管理办法》"),
    ("个人所得税", "《中华人民共和国个人所得税法》"),
    ("增值税", "《中华人民共和国增值税暂行条例》"),
)

# Numerals for article numbers in legal citations (第三十条).
CHINESE_DIGITS = "零一二三四五六七八九"


# --- cases (办件): volumes, planted patterns, texts -----------------------------------------

# Planted patterns: four units whose cases show one of the survey's service failures (design
# §1, `service`) clearly enough that the unit pages and later scorecards reveal it. Tests and
# scorecards find them by these names.
SLOW_UNIT = "HOU"  # 区住房和城乡建设局: about a third of its cases decided late, overdue open cases
TRANSFER_HEAVY_UNIT = "NRS"  # 区自然资源局: cases transferred twice or sent back (推诿)
RECEIVE_ONLY_UNIT = "HLT"  # 区卫生健康局: in the hall, but its window only receives (明进暗不进)
REPEAT_SUPPLEMENT_UNIT = "CIV"  # 区民政局: second supplement notices (breaks 一次性告知)
PLANTED_UNITS: dict[str, str] = {
    SLOW_UNIT: "办理慢：约三分之一办件超期办结，在办件多有超期",
    TRANSFER_HEAVY_UNIT: "推诿：办件多次转办或被退回",
    RECEIVE_ONLY_UNIT: "明进暗不进：进驻大厅但窗口只收件，办件转后台审批",
    REPEAT_SUPPLEMENT_UNIT: "多次补正：违反一次性告知",
}


@dataclass(frozen=True)
class CaseProfile:
    """How a unit's cases tend to go; shares are of the unit's cases unless said otherwise."""

    late: float = 0.05  # decided after the promised deadline
    late_max_workdays: int = 4  # how late, at most (a few stuck cases go far beyond)
    stuck: float = 0.0  # left open for weeks past the deadline
    supplement: float = 0.11  # at least one supplement notice (补正)
    repeat_supplement: float = 0.06  # of the cases with a notice: a second one
    transfer: float = 0.015  # transferred once to another unit
    buck_passing: float = 0.002  # transferred twice, or sent back to a unit that had it
    not_accepted: float = 0.03
    refused: float = 0.05  # of the accepted cases
    back_office_workdays: tuple[int, int] = (1, 2)  # a forwarded case waits this long


CASE_PROFILES: dict[str, CaseProfile] = {
    SLOW_UNIT: CaseProfile(late=0.36, late_max_workdays=12, stuck=0.02),
    TRANSFER_HEAVY_UNIT: CaseProfile(late=0.10, transfer=0.12, buck_passing=0.20),
    RECEIVE_ONLY_UNIT: CaseProfile(late=0.07, back_office_workdays=(2, 5)),
    REPEAT_SUPPLEMENT_UNIT: CaseProfile(supplement=0.30, repeat_supplement=0.55),
}

# Where a misdirected case goes (转办), by unit; others go to a random department.
TRANSFER_PARTNERS: dict[str, tuple[str, ...]] = {
    "NRS": ("REG", "HOU", "AGR"),
    "REG": ("NRS", "HOU"),
    "HOU": ("NRS", "URB"),
    "MKT": ("COM", "HLT"),
    "HRS": ("MED", "CIV"),
    "CIV": ("HRS", "DPF"),
    "MED": ("HRS",),
    "AGR": ("NRS", "ENV"),
}

# A matter whose name holds a keyword gets this volume multiplier (first match wins): the
# high-volume services of any district hall. The rest form a long tail.
MATTER_VOLUME: tuple[tuple[str, float], ...] = (
    ("社会保障卡", 14.0),
    ("转移登记", 12.0),
    ("营业执照设立", 10.0),
    ("营业执照", 7.0),
    ("抵押权", 8.0),
    ("居民身份证", 8.0),
    ("不动产登记资料查询", 6.0),
    ("发票", 6.0),
    ("参保", 4.0),
    ("异地就医", 4.0),
    ("医疗费用", 4.0),
    ("完税证明", 3.0),
    ("食品经营许可", 3.0),
    ("结婚登记", 3.0),
    ("出生", 3.0),
    ("户口", 3.0),
    ("居住证", 3.0),
    ("失业保险金", 3.0),
    ("资格认证", 3.0),
    ("无犯罪记录", 3.0),
    ("高龄津贴", 2.0),
    ("最低生活保障", 2.0),
)
# Channels: about this share of all cases arrive online (the rest split between the
# counters as below); matters that cannot be applied for online take none, so the others
# take more. Online applications also arrive on ordinary weekends, at this share of a
# working day's online volume.
ONLINE_SHARE = 0.40
COUNTER_CHANNELS: tuple[float, float, float] = (0.84, 0.09, 0.07)  # window, phone, self-service
WEEKEND_ONLINE_SHARE = 0.25  # a weekend day's online volume, relative to a working day's

# Words in a matter's name that make the applicant usually an enterprise.
ENTERPRISE_WORDS: tuple[str, ...] = (
    "企业",
    "公司",
    "经营",
    "机构",
    "项目",
    "纳税人",
    "发票",
    "单位",
    "建设",
    "施工",
    "许可",
    "备案",
)
# Two of these make an enterprise's trade name (字号): invented, like every demo name.
ENTERPRISE_NAME_CHARS: str = (
    "恒信华盛明达瑞丰鑫源宏图金鼎博远安泰禾嘉天成永顺兴隆汇通"
    "锦程德润和美佳宜万家同创立诚福临启航众合长青凯"
)
ENTERPRISE_TRADES: tuple[str, ...] = words(
    """
    商贸 餐饮管理 建筑工程 物流 科技 食品 医药 农业开发 装饰工程 文化传媒 汽车服务 家政服务
    房地产开发 环保科技 教育咨询 健康管理
    """
)

NOT_ACCEPTED_REASONS: tuple[str, ...] = (
    "申请事项依法不属于本机关职权范围",
    "申请人未在规定期限内补正材料",
    "申请人不具备申请资格",
    "同一事项已在办理中，不得重复申请",
)
REFUSAL_REASONS: tuple[str, ...] = (
    "经审查，申请人不符合法定条件",
    "现场核查情况与申请材料不一致",
    "申请材料所载内容经核实与实际情况不符",
    "申请项目不符合相关规划要求",
)
STEP_NOTES: tuple[str, ...] = (
    "材料审查完毕",
    "现场核查完毕",
    "征求相关科室意见",
    "集体研究通过",
    "审核意见已报分管领导",
)
SUPPLEMENT_NOTES: tuple[str, ...] = (
    "请携带原件到窗口核验",
    "复印件需本人签字确认",
    "可通过网上办理系统上传扫描件",
    "",
)
TRANSFER_REASONS: tuple[str, ...] = (
    "经审查，该申请属于{unit}职责范围",
    "申请内容涉及{unit}审批事项，转其办理",
    "需由{unit}先行办理相关手续",
)
RETURN_REASON = "经核实不属于本单位职责，退回原单位办理"


# --- ratings (好差评): distributions, texts ------------------------------------------------


@dataclass(frozen=True)
class RatingProfile:
    """How a unit's ratings tend to go. Shares are of the unit's ratings of cases decided on
    time and approved; RATING_BUMPS add to `bad` for cases that went wrong."""

    bad: float  # 不满意 + 非常不满意
    basic: float  # 基本满意
    very: float  # of the good ratings (非常满意 + 满意): the share of 非常满意
    rectify_late: float  # of the unit's rectifications: closed after the deadline
    rectify_late_max_workdays: int = 5


# The slow unit is rated clearly worse, and its rectifications are often late. Every other
# unit draws a profile around: ~85 % good, ~8 % 基本满意, 3–5 % bad (after the bumps).
RATING_PROFILES: dict[str, RatingProfile] = {
    SLOW_UNIT: RatingProfile(
        bad=0.13, basic=0.16, very=0.45, rectify_late=0.45, rectify_late_max_workdays=12
    ),
}
# Extra chance of a bad rating when the case went wrong in a way the applicant felt.
RATING_BUMPS: dict[str, float] = {
    "late": 0.15,  # decided after the promised deadline
    "refused": 0.12,  # refused, or not accepted
    "buck_passing": 0.25,  # transferred back and forth (推诿)
    "repeat_supplement": 0.15,  # asked for materials twice (breaks 一次性告知)
}
RATED_SHARE = 0.70  # of decided cases, rated by the applicant

RATING_COMMENTS_GOOD: tuple[str, ...] = (
    "窗口工作人员很耐心，一次就讲清楚了",
    "材料带齐了，不到半小时就办好，点赞",
    "比想象中快多了，第二天就通知领证",
    "工作人员主动帮忙复印材料，态度特别好",
    "大厅有引导员，取号到办完都很顺",
    "老人家不会填表，窗口小姑娘一项一项帮着填，感谢",
    "提前办好了，还打电话通知我来拿",
    "全程没跑第二趟，真正做到了最多跑一次",
    "中午也有人值班，上班族太方便了",
    "告知书写得明明白白，照着准备就行",
    "办事效率高，服务热情，给你们点个赞",
)
RATING_COMMENTS_GOOD_ONLINE: tuple[str, ...] = (
    "在手机上就办完了，不用请假跑大厅",
    "网上提交后第二天就审核通过了，效率很高",
    "材料上传很方便，进度随时能查",
    "晚上在家提交的，第二天一早就受理了",
    "电子证照直接下载，省事",
)
RATING_COMMENTS_BASIC: tuple[str, ...] = (
    "办是办好了，就是排队时间有点长",
    "总体还行，停车不太方便",
    "材料要求写得不太清楚，问了两次才明白",
    "等的时间比预想的久一点，好在最后办下来了",
    "工作人员有点忙，问问题回答得比较简单",
    "办结了但没有短信通知，自己打电话问才知道",
)
RATING_COMMENTS_BASIC_ONLINE: tuple[str, ...] = (
    "网站有点卡，上传了好几次才成功",
    "网上填报的说明太专业，看不太懂",
)
# Bad ratings, by what went wrong with the case (the first that applies), else generic.
RATING_COMMENTS_BAD: dict[str, tuple[str, ...]] = {
    "late": (
        "说好几个工作日办完，结果拖了快两个星期，也没人告诉进度",
        "超过承诺时限了还在办，打电话问就说在走流程",
        "等了半个多月，中间一个电话都没有",
    ),
    "refused": (
        "不予受理也不说清楚到底缺什么，白跑一趟",
        "同样的情况别人能办我不能办，解释不清楚",
        "不予许可的理由就一句话，问依据也说不明白",
    ),
    "buck_passing": (
        "两个部门来回推，一个说归那边管，一个说归这边管",
        "被转了两次，最后又转回来了，折腾了一个月",
    ),
    "repeat_supplement": (
        "第一次说材料齐了，过两天又打电话让补，不能一次说清楚吗",
        "补了两次材料，每次说的都不一样",
    ),
    "online": (
        "网上系统老是提示材料格式不对，换了三种格式都传不上",
        "网上提交了好几天都没人受理，最后还得跑大厅",
    ),
    "generic": (
        "窗口工作人员态度很差，问两句就不耐烦",
        "电话打了一上午都没人接",
        "工作人员一问三不知，让我自己去网上查",
        "叫号系统乱，排了两个小时",
        "不找熟人打招呼就是办不快，太不像话了",
        "有问题可以打我电话13900012345，希望有人跟进",
    ),
}

RECTIFY_FINDINGS: dict[str, tuple[str, ...]] = {
    "late": (
        "经核实，该件因现场核查排期延误超期办结，情况属实",
        "经核实，该件在审核环节积压，未在承诺时限内办结，情况属实",
    ),
    "refused": (
        "经核实，申请确不符合法定条件，但窗口告知理由时解释不充分，情况部分属实",
        "经核实，不予受理决定正确，评价人主要对告知方式不满",
    ),
    "buck_passing": ("经核实，该件涉及两个部门职责交叉，转办过程中未及时告知申请人，情况属实",),
    "repeat_supplement": ("经核实，首次告知时遗漏一项材料，导致申请人二次补正，情况属实",),
    "generic": (
        "经调取窗口录音录像，工作人员解释政策时语气生硬，情况属实",
        "经与评价人电话沟通，其主要反映等候时间过长，情况基本属实",
        "经核实，网上办理系统当日出现故障，导致材料上传失败",
        "经核实，申请材料确有缺项，窗口已按规定一次性告知，评价人对政策理解有误",
    ),
}
RECTIFY_MEASURES: dict[str, tuple[str, ...]] = {
    "immediate": (
        "已当面向评价人致歉，对当事工作人员进行批评教育，并在科室会议上通报",
        "已安排专人协助申请人办结后续手续，并将常见问题写入一次性告知书",
        "已电话向评价人致歉，当事工作人员作出书面检查",
    ),
    "by_deadline": (
        "修订办事指南材料清单，统一窗口和后台的审核口径，两周内完成",
        "调整现场核查排期机制，超过三个工作日未排期的由科长督办",
        "在大厅增设引导岗，高峰时段增开窗口，本月底前落实",
    ),
    "explained": (
        "已向评价人说明不予许可的法律依据及复议、诉讼途径，评价人表示理解",
        "已向评价人解释补正材料的法定要求，并告知可通过网上办理减少跑动",
        "经说明，办理时间较长系申请人补正材料所致（补正期间不计时），评价人表示理解",
    ),
}
CALLBACK_NOTES: dict[str, str] = {
    "satisfied": "评价人对整改结果表示满意",
    "basic": "评价人表示基本满意，希望以后提高效率",
    "dissatisfied": "评价人仍不满意，认为解释不够充分",
    "unreachable": "三个工作日内三次拨打评价人电话均无人接听",
}


# --- where and when each matter is handled (办理地点、办理时间、受理窗口), all fictional ------

CITIZEN_CENTRE = f"{DISTRICT}市民中心"
HALL_HOURS = "工作日 上午 9:00—12:00，下午 13:30—17:00（法定节假日除外）"
# Township and street 便民服务中心 open earlier and close later for farmers and workers.
LOCAL_HOURS = "工作日 上午 8:30—12:00，下午 14:00—17:30；周六上午 9:00—12:00 轮值"
OFFICE_HOURS = "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）"
HALL_FLOORS = ("一", "二", "三")
HALL_ZONES = "ABCD"
WINDOWS_PER_UNIT = 3


def matter_service_point(
    spec: UnitSpec, unit_index: int, unit_address: str, window_authority: str = ""
) -> dict[str, str]:
    """The place, opening hours and window of a matter of `spec` (the unit_index-th unit in
    display order, counting from 0), as keyword arguments for `create_matter`.

    Departments with a hall window receive in the district's 市民中心 (three windows side by
    side per unit, floors and zones in turn); townships and streets in their own 便民服务中心;
    units not in a hall, and matters not in the hall ("not_in_hall"), at the unit's office."""
    in_hall = spec.in_hall and window_authority != "not_in_hall"
    if in_hall and spec.kind in (Unit.Kind.TOWNSHIP, Unit.Kind.STREET):
        return {
            "place": f"{unit_address} {spec.short_name}便民服务中心一楼大厅",
            "hours": LOCAL_HOURS,
            "window": "综合受理窗口（1—4 号）",
        }
    if in_hall:
        first = unit_index * WINDOWS_PER_UNIT + 1
        floor = HALL_FLOORS[unit_index % len(HALL_FLOORS)]
        zone = HALL_ZONES[(unit_index // len(HALL_FLOORS)) % len(HALL_ZONES)]
        return {
            "place": f"{CITIZEN_CENTRE}{floor}楼 {zone} 区（{spec.short_name}窗口）",
            "hours": HALL_HOURS,
            "window": f"{first}—{first + WINDOWS_PER_UNIT - 1} 号窗口",
        }
    return {
        "place": f"{unit_address}（{spec.name}办公楼一楼接待室）",
        "hours": OFFICE_HOURS,
        "window": "",
    }
