from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from appeals.choices import Rating, Topic
from appeals.models import QUESTION_MAX_LENGTH
from appeals.phones import normalise_phone
from branches import selectors
from branches.choices import OrganisationKind
from branches.models import Organisation
from unionportal.uploads import PDF_MAGIC, validate_image_upload, validate_pdf_upload


class OrganisationChoiceField(forms.ModelChoiceField):
    """One of `branches.selectors.active_organisations(kind=…)`, its options in the registry's
    order; the member's choice is checked by `active_organisation`, one SELECT rather than
    the ORM's `get` (a tenth of the CPU of an appeal)."""

    def __init__(self, *, kind: str | None = None, **kwargs):
        self.kind = kind
        super().__init__(queryset=selectors.active_organisations(kind=kind), **kwargs)

    def __deepcopy__(self, memo):
        # Every form shares the one lazy queryset instead of Django's two clones of it per
        # form: it is never evaluated in place (the options are read through `.iterator()`,
        # a choice by `active_organisation`), so each render still reads the organisations
        # active at that moment. So it must stay without `prefetch_related` (the iterator
        # would then fill its cache) and never be changed in place, only replaced.
        result = forms.Field.__deepcopy__(self, memo)
        result.widget.choices = result.choices  # the options bound to this copy (Django's #11183)
        return result

    def label_from_instance(self, obj):
        return obj.name

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Organisation):
            value = value.pk
        organisation = selectors.active_organisation(value, kind=self.kind)
        if organisation is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return organisation


class FixedChoiceField(forms.ChoiceField):
    """Choices fixed in the code (a `TextChoices`): every form shares the one list rather than
    deep-copying it, a quarter of the cost of setting up the appeal form."""

    def __deepcopy__(self, memo):
        return forms.Field.__deepcopy__(self, memo)


class AppealForm(forms.Form):
    """The public form. Contact details are required unless the member asks anonymously."""

    is_anonymous = forms.BooleanField(
        label=_("Ask anonymously"),
        required=False,
        help_text=_("Without a name and contacts we cannot send you an answer; you can still follow the status by the code."),
    )
    name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    # 254 as the model stores it: the form field alone would let 320 through to a 500.
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False, help_text=_("The answer and the tracking link are sent here."))
    # The querysets are built once, here, and shared by every form (OrganisationChoiceField's
    # __deepcopy__); still lazy, so each form reads the organisations active at that moment.
    workplace = OrganisationChoiceField(label=_("Workplace"), required=False, empty_label=_("Not in the list"))
    workplace_text = forms.CharField(
        label=_("Workplace, if not in the list"), max_length=300, required=False
    )
    branch = OrganisationChoiceField(
        kind=OrganisationKind.BRANCH, label=_("Branch"), required=False, empty_label=_("I don't know: the regional organisation")
    )
    topic = FixedChoiceField(label=_("Topic"), choices=[("", "—"), *Topic.choices])
    question = forms.CharField(
        label=_("Your question"),
        max_length=QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 7}),
    )
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("An image (JPEG, PNG, WebP) or a PDF document."),
    )
    consent = forms.BooleanField(
        label=_("I agree to the processing of my personal data on the terms above"),
        error_messages={"required": _("Without consent to the processing of personal data we cannot accept the appeal.")},
    )
    # The honeypot: hidden from people by CSS, filled in by bots that fill in everything.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    form_token = forms.CharField(widget=forms.HiddenInput)

    contact_missing = False
    contact_error = None  # the form-wide error that the summary links to the phone field

    def clean_phone(self):
        return normalise_phone(self.cleaned_data.get("phone", ""))

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        head = upload.read(len(PDF_MAGIC))
        upload.seek(0)
        if head == PDF_MAGIC:
            return validate_pdf_upload(upload)
        return validate_image_upload(upload).file

    def clean(self):
        data = super().clean()
        if data.get("is_anonymous"):
            data["name"] = data["phone"] = data["email"] = ""
            return data
        if not data.get("name"):
            self.add_error("name", _("Write your name, or ask anonymously."))
        if not data.get("phone") and not data.get("email") and "email" not in self.errors:
            # The two contact fields are marked as wrong too, so the member sees where to write.
            for name in ("phone", "email"):
                self.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": "error-summary"})
            self.contact_missing = True
            self.contact_error = _("Give a phone number or an e-mail so that we can answer you.")
            raise ValidationError(self.contact_error, code="contact")
        return data


class StatusLookupForm(forms.Form):
    """The number from a page, a slip or a message, or the whole link; with the short number,
    the last four digits of the phone or the e-mail the appeal was sent with."""

    code = forms.CharField(
        label=_("Appeal number or link"),
        max_length=300,
        strip=True,
        help_text=_("The number such as 7GBR-ZGRT, or the whole link you received."),
    )
    proof = forms.CharField(
        label=_("Last four digits of your phone, or your e-mail"),
        max_length=254,
        required=False,
        strip=True,
        help_text=_("Needed with the number; not needed with the link."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class RatingForm(forms.Form):
    rating = forms.ChoiceField(label=_("Did the answer help?"), choices=Rating.choices)
    comment = forms.CharField(label=_("Comment (optional)"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
