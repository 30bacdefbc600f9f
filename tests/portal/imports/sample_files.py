"""Import files for the import tests: a CSV of technologies in the columns people use."""

from __future__ import annotations

HEADER = "标题,摘要,所属机构,技术成熟度,转化方式,价格下限（万元）\n"
ROWS = [
    "钠离子电池储能系统,面向工商业用户侧储能的低成本钠离子电池系统，循环寿命四千次以上。,厦门大学,6,许可、转让,50\n",
    "海上风电防腐涂层,用于海上风电塔筒和桩基的长效防腐涂层，耐盐雾一万小时。,厦门大学,7,技术服务,20\n",
    "低温余热发电机组,回收八十摄氏度以上工业余热发电的有机朗肯循环机组。,厦门大学,8,license,80\n",
]
# Too short a summary, a TRL of 12 and a negative price: three reasons in one row.
BROKEN_ROW = "坏行,太短,厦门大学,12,许可,-5\n"


def technologies_csv(*rows: str, encoding: str = "utf-8") -> bytes:
    return (HEADER + "".join(rows or ROWS)).encode(encoding)
