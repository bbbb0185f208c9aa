from django import forms

from portal.templatetags.form_tags import select_options


class _Filters(forms.Form):
    year = forms.ChoiceField(
        required=False, choices=[("", "Toutes"), (2025, "2025"), (2026, "2026")]
    )
    name = forms.ChoiceField(required=False, choices=[("a", "<b>A & B</b>")])


def test_the_current_value_is_selected_compared_as_text():
    html = select_options(_Filters({"year": "2026"})["year"])
    assert html == (
        '<option value="">Toutes</option><option value="2025">2025</option>'
        '<option value="2026" selected>2026</option>'
    )


def test_nothing_selected_without_a_value_and_labels_escaped():
    form = _Filters()
    assert " selected" not in select_options(form["year"])
    assert select_options(form["name"]) == '<option value="a">&lt;b&gt;A &amp; B&lt;/b&gt;</option>'
