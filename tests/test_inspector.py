def test_inspector_says_when_no_cookie_was_sent(client):
    assert 'data-testid="no-cookie"' in client.get("/session").get_data(as_text=True)


def test_inspector_shows_the_decoded_payload(visitor):
    visitor.set_email("ada@example.com")
    page = visitor.client.get("/session").get_data(as_text=True)
    assert '"email": "ada@example.com"' in page
    assert "signed, not encrypted" in page


def test_session_json_takes_the_cookie_apart(visitor):
    visitor.set_email("ada@example.com")
    cookie = visitor.client.get("/session.json").json["cookie"]
    payload, timestamp, signature = cookie["raw"].rsplit(".", 2)
    assert cookie["payload"]["email"] == "ada@example.com"
    assert (cookie["payload_part"], cookie["timestamp_part"]) == (payload, timestamp)
    assert cookie["signature_part"] == signature
    assert cookie["limit"] == 4093
    assert cookie["size"] == len("session=") + len(cookie["raw"])


def test_session_json_reports_the_expiry_the_server_enforces(visitor):
    visitor.set_email("ada@example.com")
    cookie = visitor.client.get("/session.json").json["cookie"]
    assert cookie["valid"] is True
    assert cookie["lifetime_seconds"] == 31 * 24 * 3600
    assert cookie["server_accepts_until"] > cookie["signed_at"]


def test_permanent_on_makes_the_session_permanent(visitor):
    visitor.post("/session/permanent", {"permanent": "on"})
    assert visitor.client.get("/session.json").json["permanent"] is True


def test_permanent_off_makes_it_end_with_the_browser(visitor):
    visitor.set_email("ada@example.com", remember=True)
    visitor.post("/session/permanent", {"permanent": "off"})
    assert visitor.client.get_cookie("session").expires is None


def test_permanent_with_another_value_is_refused(visitor):
    visitor.set_email("ada@example.com")
    before = visitor.session()
    response = visitor.post("/session/permanent", {"permanent": "forever"})
    assert response.status_code == 400
    assert "Choose on or off." in response.get_data(as_text=True)
    assert visitor.session() == before


def test_clear_empties_the_session(visitor):
    visitor.set_email("ada@example.com")
    visitor.post("/session/clear")
    assert "email" not in visitor.session()


def test_tampered_cookie_gives_a_fresh_session(visitor):
    visitor.set_email("ada@example.com")
    payload, timestamp, signature = visitor.client.get_cookie("session").value.rsplit(".", 2)
    visitor.client.set_cookie("session", f"{payload}x.{timestamp}.{signature}")
    response = visitor.client.get("/get_email")
    assert response.status_code == 200
    assert "Please enter your email" in response.get_data(as_text=True)


def test_inspector_explains_a_refused_cookie(client):
    client.set_cookie("session", "eyJlbWFpbCI6ImV2ZUBleGFtcGxlLmNvbSJ9.aaaaaa.forged")
    page = client.get("/session").get_data(as_text=True)
    assert "The server refuses this cookie (bad signature)" in page
