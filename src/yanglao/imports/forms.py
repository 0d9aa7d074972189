from __future__ import annotations

from django import forms

from yanglao.imports.kinds import KINDS


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="数据类型",
        choices=[(k.name, k.label) for k in KINDS.values()],
        error_messages={"required": "请选择数据类型"},
    )
    file = forms.FileField(
        label="文件（.xlsx 或 .csv）",
        error_messages={"required": "请选择要导入的文件", "empty": "文件是空的"},
        help_text="表头按导入模板填写，列的顺序不限；CSV 可为 UTF-8 或 GB18030 编码。",
    )
