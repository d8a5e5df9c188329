# Signs label download URLs so that carriers can fetch them without a session.
class LabelSigner
  DIGEST = "SHA256".freeze

  def initialize(secret: Rails.application.credentials.label_signing_secret)
    @secret = secret or raise ArgumentError, "label_signing_secret missing from credentials"
  end

  def sign(label_id, expires_at)
    OpenSSL::HMAC.hexdigest(DIGEST, @secret, "#{label_id}:#{expires_at.to_i}")
  end

  def valid?(label_id, expires_at, signature)
    return false if expires_at < Time.current

    ActiveSupport::SecurityUtils.secure_compare(sign(label_id, expires_at), signature)
  end
end
