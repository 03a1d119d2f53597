import pytest

from octoscaffold.spec.naming import (
    is_slug,
    package_reference,
    slugify,
    step_name,
    target_tag,
    unique_slugs,
    variable_name,
)


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("OctoPub SAM", "octopub-sam"),
        ("01. My Test Project", "01-my-test-project"),
        ("Start (main)", "start-main"),
        ("Café Münster Ünïcode", "cafe-munster-unicode"),
        ('Quote "Of" The Day', "quote-of-the-day"),
        ("--Edge__Router--", "edge-router"),
        ("a" * 80, "a" * 50),
    ],
)
def test_slugify(name, slug):
    assert slugify(name) == slug
    assert is_slug(slug)


def test_slug_rules_reject_bad_slugs():
    for bad in ["Upper", "double--hyphen", "-leading", "trailing-", "sp ace", "", "a" * 51]:
        assert not is_slug(bad), bad


def test_unique_slugs_number_repeats():
    assert unique_slugs(["Deploy", "Deploy", "Notify", "deploy"]) == ["deploy", "deploy-2", "notify", "deploy-3"]


def test_step_names_lose_brackets():
    assert step_name("Deploy (blue) [prod]") == "Deploy blue prod"
    assert step_name("Run #1, then 2.0_beta-x") == "Run #1, then 2.0_beta-x"


def test_variable_and_tag_names():
    assert variable_name("AWS", "Lambda", "FunctionName") == "Project.AWS.Lambda.FunctionName"
    assert variable_name("Web", "Api Url") == "Project.Web.ApiUrl"
    with pytest.raises(ValueError):
        variable_name("", "Name")
    assert target_tag("eshop", "Web API") == "eshop-web-api"


def test_package_reference_from_ids():
    assert package_reference("octopussamples/randomquotes") == "randomquotes"
    assert package_reference("com.octopus:products-microservice") == "products-microservice"
    assert package_reference("My Package!") == "My-Package"
