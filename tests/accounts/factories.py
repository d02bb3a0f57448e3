import factory
from allauth.account.models import EmailAddress

from accounts.models import User
from accounts.services import user_assign_role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.kz")
    first_name = "Айгуль"
    last_name = "Тестова"
    password = factory.django.Password("pass-for-tests-123")

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        # E-mail verification is mandatory: a fixture user has confirmed their address
        # (pass verified_email=False for one who has not).
        if create and obj.email and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        organisation = kwargs.get("organisation")
        if create and (extracted or organisation):
            user_assign_role(user=obj, role=extracted, organisation=organisation)
