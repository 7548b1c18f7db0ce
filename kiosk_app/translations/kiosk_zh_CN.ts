<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>kiosk</name>
        <message>
            <source>title</source>
            <extracomment>Take a Queue Ticket</extracomment>
            <translation>自助取号</translation>
        </message>
        <message>
            <source>choose</source>
            <extracomment>Please choose a service</extracomment>
            <translation>请选择您要办理的业务</translation>
        </message>
        <message>
            <source>language</source>
            <extracomment>中文</extracomment>
            <translation>English</translation>
        </message>
        <message>
            <source>elderly</source>
            <extracomment>Large text</extracomment>
            <translation>长者模式</translation>
        </message>
        <message>
            <source>help</source>
            <extracomment>Call staff</extracomment>
            <translation>呼叫工作人员</translation>
        </message>
        <message>
            <source>help_sent</source>
            <extracomment>Staff have been called, please wait</extracomment>
            <translation>已通知工作人员，请稍候</translation>
        </message>
        <message>
            <source>issuing</source>
            <extracomment>Getting your ticket, please wait…</extracomment>
            <translation>正在为您取号，请稍候…</translation>
        </message>
        <message>
            <source>your_number</source>
            <extracomment>Your number</extracomment>
            <translation>您的号码</translation>
        </message>
        <message>
            <source>ahead</source>
            <extracomment>{n} people ahead of you</extracomment>
            <translation>前面还有 {n} 人</translation>
        </message>
        <message>
            <source>wait</source>
            <extracomment>Estimated wait: about {n} min</extracomment>
            <translation>预计等候约 {n} 分钟</translation>
        </message>
        <message>
            <source>wait_unknown</source>
            <extracomment>No window open now, please watch the screen</extracomment>
            <translation>暂无可用窗口，请留意叫号</translation>
        </message>
        <message>
            <source>area</source>
            <extracomment>Go to: {area}</extracomment>
            <translation>办理区域：{area}</translation>
        </message>
        <message>
            <source>take_ticket</source>
            <extracomment>Please take your ticket</extracomment>
            <translation>请取走您的号票</translation>
        </message>
        <message>
            <source>home_paper_out</source>
            <extracomment>The printer is out of paper: after taking a number, scan its QR code with your phone</extracomment>
            <translation>打印机缺纸：取号后请用手机扫描屏幕上的二维码保存号码</translation>
        </message>
        <message>
            <source>home_printer_down</source>
            <extracomment>The printer is unavailable: after taking a number, scan its QR code with your phone</extracomment>
            <translation>打印机暂不可用：取号后请用手机扫描屏幕上的二维码保存号码</translation>
        </message>
        <message>
            <source>no_paper</source>
            <extracomment>The printer cannot print now. Your number is taken: scan the QR code beside this text with your phone, or take a photo of this screen. Press Done when you have it.</extracomment>
            <translation>打印机暂时无法出票。您的号码已取好：请用手机扫描旁边的二维码保存号码，或将本屏幕拍照留存。保存好后请按“完成”。</translation>
        </message>
        <message>
            <source>offline</source>
            <extracomment>The queue system cannot be reached. Please ask at the help desk</extracomment>
            <translation>暂时无法连接取号系统，请到服务台咨询</translation>
        </message>
        <message>
            <source>refused</source>
            <extracomment>No ticket: {reason}</extracomment>
            <translation>无法取号：{reason}</translation>
        </message>
        <message>
            <source>done</source>
            <extracomment>Done</extracomment>
            <translation>完成</translation>
        </message>
        <message>
            <source>waiting_count</source>
            <extracomment>{n} waiting</extracomment>
            <translation>等候 {n} 人</translation>
        </message>
        <message>
            <source>id_button</source>
            <extracomment>Identify with ID card</extracomment>
            <translation>刷身份证办理</translation>
        </message>
        <message>
            <source>id_title</source>
            <extracomment>Identity check</extracomment>
            <translation>身份核验</translation>
        </message>
        <message>
            <source>id_place_card</source>
            <extracomment>Please place your ID card on the reader</extracomment>
            <translation>请将身份证放在读卡区</translation>
        </message>
        <message>
            <source>id_card_error</source>
            <extracomment>The card could not be read. Lift it and place it again</extracomment>
            <translation>证件无法读取，请取回证件后重新放置</translation>
        </message>
        <message>
            <source>id_face_look</source>
            <extracomment>Please look at the camera</extracomment>
            <translation>请正对摄像头</translation>
        </message>
        <message>
            <source>id_frames</source>
            <extracomment>Captured {n}/{m}</extracomment>
            <translation>已采集 {n}/{m}</translation>
        </message>
        <message>
            <source>id_card_only</source>
            <extracomment>ID card read</extracomment>
            <translation>已读取身份证</translation>
        </message>
        <message>
            <source>id_face_passed</source>
            <extracomment>Identity verified</extracomment>
            <translation>身份核验通过</translation>
        </message>
        <message>
            <source>id_face_retry</source>
            <extracomment>Face check not passed, please try again</extracomment>
            <translation>人脸比对未通过，请重试</translation>
        </message>
        <message>
            <source>id_face_staff</source>
            <extracomment>Face check not passed. Staff will help you; you can still take a ticket</extracomment>
            <translation>人脸核验未通过，请联系工作人员协助；取号不受影响</translation>
        </message>
        <message>
            <source>id_camera_down</source>
            <extracomment>The camera is unavailable. Please ask staff; you can still take a ticket</extracomment>
            <translation>摄像头暂不可用，请联系工作人员；取号不受影响</translation>
        </message>
        <message>
            <source>id_number</source>
            <extracomment>ID number: {id}</extracomment>
            <translation>证件号码：{id}</translation>
        </message>
        <message>
            <source>id_retry</source>
            <extracomment>Try again</extracomment>
            <translation>重试</translation>
        </message>
        <message>
            <source>id_cancel</source>
            <extracomment>Finish</extracomment>
            <translation>结束</translation>
        </message>
        <message>
            <source>green_notice</source>
            <extracomment>Green channel: priority service</extracomment>
            <translation>绿色通道 · 优先办理</translation>
        </message>
        <message>
            <source>appointment_notice</source>
            <extracomment>Appointment: priority service</extracomment>
            <translation>预约签到 · 优先办理</translation>
        </message>
        <message>
            <source>read_aloud</source>
            <extracomment>Read aloud</extracomment>
            <translation>朗读</translation>
        </message>
        <message>
            <source>help_button</source>
            <extracomment>Help</extracomment>
            <translation>求助</translation>
        </message>
        <message>
            <source>help_sending</source>
            <extracomment>Calling staff…</extracomment>
            <translation>正在通知工作人员…</translation>
        </message>
        <message>
            <source>help_notified</source>
            <extracomment>Staff notified</extracomment>
            <translation>已通知工作人员</translation>
        </message>
        <message>
            <source>help_coming</source>
            <extracomment>Staff are on the way</extracomment>
            <translation>工作人员马上就到</translation>
        </message>
        <message>
            <source>help_failed</source>
            <extracomment>Staff could not be called. Please go to the help desk</extracomment>
            <translation>暂时无法通知工作人员，请到服务台咨询</translation>
        </message>
        <message>
            <source>help_robot</source>
            <extracomment>The guide robot is on its way</extracomment>
            <translation>导引机器人正在赶来</translation>
        </message>
        <message>
            <source>guide_me</source>
            <extracomment>Guide me</extracomment>
            <translation>需要引导</translation>
        </message>
        <message>
            <source>guide_me_on</source>
            <extracomment>Guide me ✓</extracomment>
            <translation>需要引导 ✓</translation>
        </message>
        <message>
            <source>say_home</source>
            <extracomment>{title}. {choose}: {services}. For help, press Help.</extracomment>
            <translation>{title}。{choose}：{services}。需要帮助请按求助。</translation>
        </message>
        <message>
            <source>say_service</source>
            <extracomment>{code}, {name}</extracomment>
            <translation>{code}，{name}</translation>
        </message>
        <message>
            <source>say_ticket</source>
            <extracomment>Your number is {number}, {service}. {ahead}. {area}. {message}</extracomment>
            <translation>您的号码是 {number}，{service}。{ahead}。{area}。{message}</translation>
        </message>
        <message>
            <source>say_list_sep</source>
            <extracomment>; </extracomment>
            <translation>；</translation>
        </message>
        <message>
            <source>attract_touch</source>
            <extracomment>Touch to start</extracomment>
            <translation>触摸屏幕开始</translation>
        </message>
        <message>
            <source>attract_phone</source>
            <extracomment>Scan with your phone to take a number or follow the queue</extracomment>
            <translation>手机扫码，在线取号、查看排队</translation>
        </message>
        <message>
            <source>timeout_warning</source>
            <extracomment>Back to the start in {n} s</extracomment>
            <translation>页面将在 {n} 秒后返回首页</translation>
        </message>
        <message>
            <source>timeout_continue</source>
            <extracomment>Continue</extracomment>
            <translation>继续使用</translation>
        </message>
        <message>
            <source>bk_button</source>
            <extracomment>Check in a booking</extracomment>
            <translation>预约签到</translation>
        </message>
        <message>
            <source>bk_title</source>
            <extracomment>Check in a booking</extracomment>
            <translation>预约签到</translation>
        </message>
        <message>
            <source>bk_enter</source>
            <extracomment>Type your booking code, or tap “Scan” and show the booking's QR code</extracomment>
            <translation>请输入预约码，或点击“扫码签到”出示预约二维码</translation>
        </message>
        <message>
            <source>bk_scan</source>
            <extracomment>Scan</extracomment>
            <translation>扫码签到</translation>
        </message>
        <message>
            <source>bk_scanning</source>
            <extracomment>Hold the booking's QR code on your phone up to the camera</extracomment>
            <translation>请将手机上的预约二维码对准摄像头</translation>
        </message>
        <message>
            <source>bk_type</source>
            <extracomment>Type the code</extracomment>
            <translation>输入预约码</translation>
        </message>
        <message>
            <source>bk_confirm</source>
            <extracomment>Find booking</extracomment>
            <translation>查询预约</translation>
        </message>
        <message>
            <source>bk_clear</source>
            <extracomment>Clear</extracomment>
            <translation>清空</translation>
        </message>
        <message>
            <source>bk_looking</source>
            <extracomment>Looking up the booking, please wait…</extracomment>
            <translation>正在查询预约，请稍候…</translation>
        </message>
        <message>
            <source>bk_found</source>
            <extracomment>Please check the booking, then check in</extracomment>
            <translation>请核对预约信息后签到</translation>
        </message>
        <message>
            <source>bk_matter</source>
            <extracomment>Matter: {v}</extracomment>
            <translation>预约事项：{v}</translation>
        </message>
        <message>
            <source>bk_slot</source>
            <extracomment>Time: {date} {start}–{end}</extracomment>
            <translation>预约时段：{date} {start}–{end}</translation>
        </message>
        <message>
            <source>bk_holder</source>
            <extracomment>Booked by: {v}</extracomment>
            <translation>预约人：{v}</translation>
        </message>
        <message>
            <source>bk_hall</source>
            <extracomment>Where: {v}</extracomment>
            <translation>办理地点：{v}</translation>
        </message>
        <message>
            <source>bk_check_in</source>
            <extracomment>Check in</extracomment>
            <translation>签到取号</translation>
        </message>
        <message>
            <source>bk_checking_in</source>
            <extracomment>Checking in, please wait…</extracomment>
            <translation>正在签到，请稍候…</translation>
        </message>
        <message>
            <source>bk_normal_ticket</source>
            <extracomment>Take a normal ticket</extracomment>
            <translation>取普通号</translation>
        </message>
        <message>
            <source>bk_bad_code</source>
            <extracomment>A booking code has 4 to 32 digits or letters</extracomment>
            <translation>预约码应为 4–32 位数字或字母</translation>
        </message>
        <message>
            <source>bk_bad_qr</source>
            <extracomment>This QR code is not a booking. Show the booking's QR code or type its code</extracomment>
            <translation>这不是预约二维码，请出示预约成功后的二维码或输入预约码</translation>
        </message>
        <message>
            <source>bk_not_found</source>
            <extracomment>No booking with this code. Please check it</extracomment>
            <translation>未找到该预约，请核对预约码</translation>
        </message>
        <message>
            <source>bk_used</source>
            <extracomment>This booking has been checked in already. Please watch the calling screen</extracomment>
            <translation>该预约已签到过，请留意叫号屏幕</translation>
        </message>
        <message>
            <source>bk_cancelled</source>
            <extracomment>This booking was cancelled. You can take a normal ticket</extracomment>
            <translation>该预约已取消，可取普通号办理</translation>
        </message>
        <message>
            <source>bk_early</source>
            <extracomment>Your booking is for {date} {start}–{end}. Check-in opens at {opens}</extracomment>
            <translation>您预约的时段是 {date} {start}–{end}，请于 {opens} 后再来签到</translation>
        </message>
        <message>
            <source>bk_late</source>
            <extracomment>Your booking for {date} {start}–{end} has lapsed. You can take a normal ticket</extracomment>
            <translation>您预约的时段 {date} {start}–{end} 已过，预约已失效，可取普通号办理</translation>
        </message>
        <message>
            <source>bk_other_hall</source>
            <extracomment>This booking is for “{hall}”. Please check in there</extracomment>
            <translation>该预约在“{hall}”办理，请前往该服务中心签到</translation>
        </message>
        <message>
            <source>bk_not_today</source>
            <extracomment>This booking is not for today</extracomment>
            <translation>该预约不是今天的，请在预约当天签到</translation>
        </message>
        <message>
            <source>bk_camera_down</source>
            <extracomment>The camera is unavailable. Please type the code</extracomment>
            <translation>摄像头暂不可用，请输入预约码</translation>
        </message>
        <message>
            <source>bk_scan_timeout</source>
            <extracomment>No QR code was read. Try again or type the code</extracomment>
            <translation>未识别到二维码，请重试或输入预约码</translation>
        </message>
        <message>
            <source>bk_backend_down</source>
            <extracomment>Bookings cannot be checked now. You can take a normal ticket</extracomment>
            <translation>预约系统暂时无法连接，可取普通号办理</translation>
        </message>
        <message>
            <source>err_error</source>
            <extracomment>That did not work. Please go back and try again. If it still does not work, please press Help and staff will come</extracomment>
            <translation>这一步没有成功，请返回重试；如仍不成功，请按“求助”，工作人员会来帮您</translation>
        </message>
        <message>
            <source>err_internal_error</source>
            <extracomment>Something went wrong on our side. Please try again in a moment. If it still does not work, please press Help and staff will come</extracomment>
            <translation>系统暂时出了点问题，请稍后重试；如仍不成功，请按“求助”，工作人员会来帮您</translation>
        </message>
        <message>
            <source>err_limit_reached</source>
            <extracomment>All of today's tickets for this service have been given out. Please come back tomorrow or book another time on your phone</extracomment>
            <translation>今日该业务号已发完，请明天再来，或在手机上预约其他时间</translation>
        </message>
        <message>
            <source>err_not_open</source>
            <extracomment>This service is not taking tickets now. Please come back during its ticket hours: {hours}</extracomment>
            <translation>该业务现在不取号，取号时间为 {hours}，请在此时间内再来</translation>
        </message>
        <message>
            <source>err_bad_request</source>
            <extracomment>That did not work. Please go back to the start and try again. If it still does not work, please press Help and staff will come</extracomment>
            <translation>这一步没有成功，请返回首页重试；如仍不成功，请按“求助”，工作人员会来帮您</translation>
        </message>
        <message>
            <source>err_forbidden</source>
            <extracomment>This kiosk cannot do this right now. Please go to the help desk</extracomment>
            <translation>这台自助机暂时不能办理此项，请到服务台办理</translation>
        </message>
        <message>
            <source>err_not_found</source>
            <extracomment>Nothing was found. Please check and try again, or ask at the help desk</extracomment>
            <translation>没有找到相关记录，请核对后重试，或到服务台咨询</translation>
        </message>
        <message>
            <source>err_conflict</source>
            <extracomment>This cannot be done right now. Please try again later, or ask at the help desk</extracomment>
            <translation>这项操作现在不能进行，请稍后再试，或到服务台咨询</translation>
        </message>
        <message>
            <source>err_unavailable</source>
            <extracomment>The system is busy. Please wait a moment and try again. If it still does not work, please press Help and staff will come</extracomment>
            <translation>系统繁忙，请稍等片刻后重试；如仍不成功，请按“求助”，工作人员会来帮您</translation>
        </message>
        <message>
            <source>err_controller_unavailable</source>
            <extracomment>The queue system cannot be reached. Please wait a moment and try again. If it still does not work, please press Help and staff will come</extracomment>
            <translation>暂时无法连接取号系统，请稍等片刻后重试；如仍不成功，请按“求助”，工作人员会来帮您</translation>
        </message>
        <message>
            <source>err_robot_unavailable</source>
            <extracomment>The guide robot cannot come right now. Please wait: staff will come to help you</extracomment>
            <translation>引导机器人暂时不能前来，请稍候，工作人员会来帮您</translation>
        </message>
        <message>
            <source>err_wrong_pin</source>
            <extracomment>This is for staff only. Please ask a member of staff</extracomment>
            <translation>此功能供工作人员使用，请联系工作人员</translation>
        </message>
        <message>
            <source>err_locked</source>
            <extracomment>This is for staff only. Please ask a member of staff</extracomment>
            <translation>此功能供工作人员使用，请联系工作人员</translation>
        </message>
        <message>
            <source>err_sign_in_required</source>
            <extracomment>This is for staff only. Please ask a member of staff</extracomment>
            <translation>此功能供工作人员使用，请联系工作人员</translation>
        </message>
        <message>
            <source>err_backend_unavailable</source>
            <extracomment>The government service platform cannot be reached. Please try bookings, progress and licences later; you can still take a ticket</extracomment>
            <translation>政务服务平台暂时连接不上，请稍后再查预约、进度和证照；取号不受影响</translation>
        </message>
        <message>
            <source>err_backend_contract</source>
            <extracomment>The platform sent back wrong information. Please try again later, or go to the help desk</extracomment>
            <translation>平台返回的信息有误，暂时无法办理，请稍后再试，或到服务台办理</translation>
        </message>
        <message>
            <source>err_backend_refused</source>
            <extracomment>The platform did not accept this request. Please ask at the help desk</extracomment>
            <translation>平台未受理这项请求，请到服务台咨询</translation>
        </message>
        <message>
            <source>err_appointment_checked_in</source>
            <extracomment>This booking has already been checked in. Please watch the calling screen; if you have no ticket, please go to the help desk</extracomment>
            <translation>该预约已经签到过，请留意叫号屏幕；如没有拿到号票，请到服务台</translation>
        </message>
        <message>
            <source>err_appointment_cancelled</source>
            <extracomment>This booking was cancelled. Please take a ticket, or book again</extracomment>
            <translation>该预约已取消，请直接取号办理，或重新预约</translation>
        </message>
        <message>
            <source>err_not_today</source>
            <extracomment>This booking is not for today. Please check in on the day of your booking</extracomment>
            <translation>该预约不是今天的，请在预约当天再来签到</translation>
        </message>
        <message>
            <source>err_appointment_early</source>
            <extracomment>It is too early to check in. Please check in after {opens}</extracomment>
            <translation>还没到签到时间，请在 {opens} 以后再来签到</translation>
        </message>
        <message>
            <source>err_appointment_late</source>
            <extracomment>Your booked time has passed. Please take a ticket, or book again</extracomment>
            <translation>预约时段已过，不能签到，请直接取号办理，或重新预约</translation>
        </message>
        <message>
            <source>err_other_hall</source>
            <extracomment>This booking is for {hall}. Please check in there</extracomment>
            <translation>该预约属于{hall}，请到该大厅签到</translation>
        </message>
        <message>
            <source>err_already_printed</source>
            <extracomment>This licence has been printed before. To print it again, please confirm, or go to the help desk</extracomment>
            <translation>该证照已经打印过，如需再次打印，请确认或到服务台办理</translation>
        </message>
        <message>
            <source>err_not_printable</source>
            <extracomment>This licence cannot be printed here. Please collect it at a window</extracomment>
            <translation>该证照不能自助打印，请到窗口领取</translation>
        </message>
        <message>
            <source>err_not_served</source>
            <extracomment>This ticket has not been served yet. Please rate it after your visit</extracomment>
            <translation>该号码尚未办结，请办结后再评价</translation>
        </message>
        <message>
            <source>err_already_rated</source>
            <extracomment>This ticket has already been rated, thank you. Please press Done</extracomment>
            <translation>该号码已经评价过，谢谢您；请点“完成”</translation>
        </message>
        <message>
            <source>err_rating_closed</source>
            <extracomment>The time to rate this visit has passed, thank you. Please press Done</extracomment>
            <translation>已超过评价期限，谢谢您；请点“完成”</translation>
        </message>
        <message>
            <source>err_already_paid</source>
            <extracomment>This has already been paid. Nothing more is due: please press Done</extracomment>
            <translation>该款项已经缴清，无需再缴，请点“完成”</translation>
        </message>
        <message>
            <source>err_order_pending</source>
            <extracomment>One item is in another open payment. Please finish or cancel that payment first</extracomment>
            <translation>所选项目有一笔支付正在进行，请先完成或取消那笔支付</translation>
        </message>
        <message>
            <source>err_amount_mismatch</source>
            <extracomment>The amount due has changed. Please choose again, then pay</extracomment>
            <translation>应缴金额已变化，请重新选择后再缴费</translation>
        </message>
        <message>
            <source>err_receipt_printed</source>
            <extracomment>The receipt has already been printed. Please ask at the help desk for a copy</extracomment>
            <translation>缴费凭证已经打印过，如需补打请到服务台</translation>
        </message>
        <message>
            <source>err_payment_expired</source>
            <extracomment>Time is up: the order was cancelled and nothing was charged. Please pay again</extracomment>
            <translation>支付超时，订单已取消，没有扣款；请重新缴费</translation>
        </message>
        <message>
            <source>err_payment_cancelled</source>
            <extracomment>The payment was cancelled and nothing was charged. Please start again to pay</extracomment>
            <translation>已取消支付，没有扣款；如需缴费请重新开始</translation>
        </message>
        <message>
            <source>err_remote_closed</source>
            <extracomment>This hall does not take phone tickets. Please take a ticket at the kiosk</extracomment>
            <translation>本大厅暂不支持手机取号，请在自助机上取号</translation>
        </message>
        <message>
            <source>err_quota_reached</source>
            <extracomment>Today's phone tickets for this service are all taken. Please take a ticket at the kiosk</extracomment>
            <translation>今日该业务的手机取号名额已满，请在自助机上取号</translation>
        </message>
        <message>
            <source>err_phone_quota_reached</source>
            <extracomment>This phone has taken all its tickets for today. Please take a ticket at the kiosk</extracomment>
            <translation>这部手机今天的取号次数已用完，请在自助机上取号</translation>
        </message>
        <message>
            <source>err_open_ticket</source>
            <extracomment>You already have a ticket waiting. Please watch for your call</extracomment>
            <translation>您已经有一个还没办结的号，请留意叫号</translation>
        </message>
        <message>
            <source>err_code_wrong</source>
            <extracomment>The code is not right. Please check it and type it again</extracomment>
            <translation>验证码不正确，请核对后重新输入</translation>
        </message>
        <message>
            <source>err_code_expired</source>
            <extracomment>The code has expired. Please ask for a new one</extracomment>
            <translation>验证码已过期，请重新获取</translation>
        </message>
        <message>
            <source>err_too_many_attempts</source>
            <extracomment>Too many tries. Please try again later, or go to the help desk</extracomment>
            <translation>尝试次数过多，请稍后再试，或到服务台</translation>
        </message>
        <message>
            <source>err_too_soon</source>
            <extracomment>Please wait a little before asking for another code</extracomment>
            <translation>请稍等一会儿再获取验证码</translation>
        </message>
        <message>
            <source>err_paper_out</source>
            <extracomment>The printer is out of paper. Please photograph or scan the QR code on the screen to keep your number; staff will refill it</extracomment>
            <translation>打印机缺纸，请用手机拍下或扫描屏幕上的二维码保存号码，工作人员会来补纸</translation>
        </message>
        <message>
            <source>err_cover_open</source>
            <extracomment>The printer cannot print. Please photograph or scan the QR code on the screen to keep your number; staff will fix it</extracomment>
            <translation>打印机暂不可用，请用手机拍下或扫描屏幕上的二维码保存号码，工作人员会来处理</translation>
        </message>
        <message>
            <source>err_no_answer</source>
            <extracomment>The printer cannot print. Please photograph or scan the QR code on the screen to keep your number; staff will fix it</extracomment>
            <translation>打印机暂不可用，请用手机拍下或扫描屏幕上的二维码保存号码，工作人员会来处理</translation>
        </message>
        <message>
            <source>err_offline</source>
            <extracomment>The printer cannot print. Please photograph or scan the QR code on the screen to keep your number; staff will fix it</extracomment>
            <translation>打印机暂不可用，请用手机拍下或扫描屏幕上的二维码保存号码，工作人员会来处理</translation>
        </message>
        <message>
            <source>err_licence_printer_unavailable</source>
            <extracomment>The licence printer cannot print now. Please print later or collect it at a window; tickets and check-in still work</extracomment>
            <translation>证照打印机暂不可用，请稍后再来打印，或到窗口领取；取号、预约签到仍可使用</translation>
        </message>
        <message>
            <source>err_card_unreadable</source>
            <extracomment>The card could not be read. Please lift it and place it flat on the reader again</extracomment>
            <translation>证件无法读取，请取回证件后平放在读卡区重新放置</translation>
        </message>
        <message>
            <source>err_card_invalid</source>
            <extracomment>This card cannot be recognised. Please use another valid card, or go to the help desk</extracomment>
            <translation>这张证件无法识别，请换一张有效证件，或到服务台办理</translation>
        </message>
        <message>
            <source>err_face_mismatch</source>
            <extracomment>The face check did not pass. Please take off hat and mask, face the camera and try again; if it still fails, please ask staff. You can still take a ticket</extracomment>
            <translation>人脸比对未通过，请摘下帽子和口罩、正对摄像头重试；仍不通过请联系工作人员；取号不受影响</translation>
        </message>
        <message>
            <source>err_camera_unavailable</source>
            <extracomment>The camera is unavailable. Please ask staff; you can still take a ticket</extracomment>
            <translation>摄像头暂不可用，请联系工作人员；取号不受影响</translation>
        </message>
        <message>
            <source>err_not_open_plain</source>
            <extracomment>This service is not taking tickets now. Please check its hours on the hall's notice board</extracomment>
            <translation>该业务现在不在取号时间，请查看大厅公告的办理时间后再来</translation>
        </message>
        <message>
            <source>err_appointment_early_plain</source>
            <extracomment>It is too early to check in. Please come back shortly before your booked time</extracomment>
            <translation>还没到签到时间，请在预约时段开始前半小时内再来签到</translation>
        </message>
        <message>
            <source>err_other_hall_plain</source>
            <extracomment>This booking is for another hall. Please check in there</extracomment>
            <translation>该预约属于其他大厅，请到预约的大厅签到</translation>
        </message>
        <message>
            <source>guide_title</source>
            <extracomment>Service Guide</extracomment>
            <translation>办事指南</translation>
        </message>
        <message>
            <source>guide_choose</source>
            <extracomment>Please choose a matter</extracomment>
            <translation>请选择要查询的事项</translation>
        </message>
        <message>
            <source>guide_documents</source>
            <extracomment>Documents needed</extracomment>
            <translation>所需材料</translation>
        </message>
        <message>
            <source>guide_conditions</source>
            <extracomment>Conditions</extracomment>
            <translation>办理条件</translation>
        </message>
        <message>
            <source>guide_fee</source>
            <extracomment>Fee: {fee}</extracomment>
            <translation>收费：{fee}</translation>
        </message>
        <message>
            <source>guide_time</source>
            <extracomment>Time limit: {n} working days</extracomment>
            <translation>承诺时限：{n} 个工作日</translation>
        </message>
        <message>
            <source>guide_on_the_spot</source>
            <extracomment>Time limit: on the spot</extracomment>
            <translation>承诺时限：即办</translation>
        </message>
        <message>
            <source>guide_window</source>
            <extracomment>Where: {area}</extracomment>
            <translation>办理窗口：{area}</translation>
        </message>
        <message>
            <source>backend_down</source>
            <extracomment>The service platform cannot be reached now; you can still take a ticket</extracomment>
            <translation>政务服务平台暂时无法连接，取号不受影响</translation>
        </message>
        <message>
            <source>backend_broken</source>
            <extracomment>The platform sent wrong data; please ask at the help desk</extracomment>
            <translation>平台返回的信息有误，请到服务台咨询</translation>
        </message>
        <message>
            <source>not_found</source>
            <extracomment>Nothing found</extracomment>
            <translation>未找到相关信息</translation>
        </message>
        <message>
            <source>rate_title</source>
            <extracomment>Rate our service</extracomment>
            <translation>服务评价</translation>
        </message>
        <message>
            <source>rate_ticket</source>
            <extracomment>Please rate the service for ticket {ticket}</extracomment>
            <translation>请为 {ticket} 号的服务评价</translation>
        </message>
        <message>
            <source>rate_1</source>
            <extracomment>Very dissatisfied</extracomment>
            <translation>非常不满意</translation>
        </message>
        <message>
            <source>rate_2</source>
            <extracomment>Dissatisfied</extracomment>
            <translation>不满意</translation>
        </message>
        <message>
            <source>rate_3</source>
            <extracomment>Neutral</extracomment>
            <translation>基本满意</translation>
        </message>
        <message>
            <source>rate_4</source>
            <extracomment>Satisfied</extracomment>
            <translation>满意</translation>
        </message>
        <message>
            <source>rate_5</source>
            <extracomment>Very satisfied</extracomment>
            <translation>非常满意</translation>
        </message>
        <message>
            <source>rate_reasons</source>
            <extracomment>Reasons (optional)</extracomment>
            <translation>原因（可选）</translation>
        </message>
        <message>
            <source>rate_submit</source>
            <extracomment>Submit</extracomment>
            <translation>提交评价</translation>
        </message>
        <message>
            <source>rate_thanks</source>
            <extracomment>Thank you for your rating!</extracomment>
            <translation>感谢您的评价！</translation>
        </message>
        <message>
            <source>rate_not_served</source>
            <extracomment>This ticket has not been served yet</extracomment>
            <translation>该号码尚未办结，办结后再评价</translation>
        </message>
        <message>
            <source>rate_already</source>
            <extracomment>This ticket has already been rated</extracomment>
            <translation>该号码已评价过</translation>
        </message>
        <message>
            <source>rate_offline</source>
            <extracomment>The rating cannot be sent now, please try later</extracomment>
            <translation>暂时无法提交评价，请稍后再试</translation>
        </message>
        <message>
            <source>rate_enter</source>
            <extracomment>Type or scan the number on your ticket</extracomment>
            <translation>请输入或扫描号票上的号码</translation>
        </message>
        <message>
            <source>rate_ok</source>
            <extracomment>OK</extracomment>
            <translation>确定</translation>
        </message>
        <message>
            <source>rate_bad_ticket</source>
            <extracomment>Not a ticket number (e.g. A001)</extracomment>
            <translation>号码有误，例如 A001</translation>
        </message>
        <message>
            <source>rate_comment</source>
            <extracomment>Comment (optional)</extracomment>
            <translation>意见建议（可选）</translation>
        </message>
        <message>
            <source>rate_mine</source>
            <extracomment>Your tickets today</extracomment>
            <translation>您今天的号码</translation>
        </message>
        <message>
            <source>reason_fast</source>
            <extracomment>Fast</extracomment>
            <translation>办理快捷</translation>
        </message>
        <message>
            <source>reason_friendly</source>
            <extracomment>Friendly</extracomment>
            <translation>态度热情</translation>
        </message>
        <message>
            <source>reason_clear</source>
            <extracomment>Clear explanations</extracomment>
            <translation>讲解清楚</translation>
        </message>
        <message>
            <source>reason_slow</source>
            <extracomment>Long wait</extracomment>
            <translation>等候时间长</translation>
        </message>
        <message>
            <source>reason_attitude</source>
            <extracomment>Unfriendly</extracomment>
            <translation>服务态度差</translation>
        </message>
        <message>
            <source>reason_unclear</source>
            <extracomment>Unclear information</extracomment>
            <translation>告知不清楚</translation>
        </message>
        <message>
            <source>reason_many_trips</source>
            <extracomment>Had to come back several times</extracomment>
            <translation>多次跑动</translation>
        </message>
        <message>
            <source>rate_ticket_matter</source>
            <extracomment>Please rate the service for ticket {ticket} ({matter})</extracomment>
            <translation>请为 {ticket} 号（{matter}）的服务评价</translation>
        </message>
        <message>
            <source>rate_yesterday_ticket</source>
            <extracomment>Please rate yesterday's ticket {ticket}</extracomment>
            <translation>请为昨天的 {ticket} 号的服务评价</translation>
        </message>
        <message>
            <source>rate_today</source>
            <extracomment>Today's ticket</extracomment>
            <translation>今天的号</translation>
        </message>
        <message>
            <source>rate_yesterday</source>
            <extracomment>Yesterday's ticket</extracomment>
            <translation>昨天的号</translation>
        </message>
        <message>
            <source>rate_closed</source>
            <extracomment>This ticket can no longer be rated</extracomment>
            <translation>该号码已超过评价期限</translation>
        </message>
        <message>
            <source>rate_mine_days</source>
            <extracomment>Your recent tickets</extracomment>
            <translation>您近期的号码</translation>
        </message>
        <message>
            <source>rate_yesterday_mark</source>
            <extracomment>yesterday</extracomment>
            <translation>昨天</translation>
        </message>
        <message>
            <source>cz_title</source>
            <extracomment>My services</extracomment>
            <translation>个人办事</translation>
        </message>
        <message>
            <source>cz_hello</source>
            <extracomment>Hello, ID {id}</extracomment>
            <translation>您好，证件号 {id}</translation>
        </message>
        <message>
            <source>cz_appointments</source>
            <extracomment>My appointments: check in</extracomment>
            <translation>我的预约 · 签到</translation>
        </message>
        <message>
            <source>cz_progress</source>
            <extracomment>Progress of my applications</extracomment>
            <translation>办件进度</translation>
        </message>
        <message>
            <source>cz_licences</source>
            <extracomment>My licences: print</extracomment>
            <translation>我的证照 · 打印</translation>
        </message>
        <message>
            <source>cz_ticket</source>
            <extracomment>Take a ticket</extracomment>
            <translation>取号</translation>
        </message>
        <message>
            <source>cz_ticket_green</source>
            <extracomment>Take a ticket (green channel, priority)</extracomment>
            <translation>取号（绿色通道 优先办理）</translation>
        </message>
        <message>
            <source>cz_rate</source>
            <extracomment>Rate a service</extracomment>
            <translation>服务评价</translation>
        </message>
        <message>
            <source>cz_pay</source>
            <extracomment>Pay fees</extracomment>
            <translation>缴费</translation>
        </message>
        <message>
            <source>cz_back</source>
            <extracomment>Back</extracomment>
            <translation>返回</translation>
        </message>
        <message>
            <source>cz_finish</source>
            <extracomment>Finish and leave</extracomment>
            <translation>结束并退出</translation>
        </message>
        <message>
            <source>cz_loading</source>
            <extracomment>Looking it up, please wait…</extracomment>
            <translation>正在查询，请稍候…</translation>
        </message>
        <message>
            <source>cz_none_appointments</source>
            <extracomment>You have no appointment today</extracomment>
            <translation>您今天没有预约</translation>
        </message>
        <message>
            <source>cz_none_progress</source>
            <extracomment>No application found</extracomment>
            <translation>没有查到您的办件</translation>
        </message>
        <message>
            <source>cz_none_licences</source>
            <extracomment>No licence found</extracomment>
            <translation>没有可打印的证照</translation>
        </message>
        <message>
            <source>cz_slot</source>
            <extracomment>{start}–{end}</extracomment>
            <translation>{start}–{end}</translation>
        </message>
        <message>
            <source>cz_check_in</source>
            <extracomment>Check in</extracomment>
            <translation>签到</translation>
        </message>
        <message>
            <source>cz_checked_in</source>
            <extracomment>Checked in</extracomment>
            <translation>已签到</translation>
        </message>
        <message>
            <source>cz_cancelled</source>
            <extracomment>Cancelled</extracomment>
            <translation>已取消</translation>
        </message>
        <message>
            <source>cz_checking_in</source>
            <extracomment>Checking in, please wait…</extracomment>
            <translation>正在签到，请稍候…</translation>
        </message>
        <message>
            <source>cz_already_checked_in</source>
            <extracomment>This appointment is already checked in</extracomment>
            <translation>该预约已签到，请留意叫号</translation>
        </message>
        <message>
            <source>cz_not_today</source>
            <extracomment>This appointment is not for today</extracomment>
            <translation>该预约不是今天的</translation>
        </message>
        <message>
            <source>cz_print</source>
            <extracomment>Print</extracomment>
            <translation>打印</translation>
        </message>
        <message>
            <source>cz_printed_times</source>
            <extracomment>printed {n}×</extracomment>
            <translation>已打印 {n} 次</translation>
        </message>
        <message>
            <source>cz_window_only</source>
            <extracomment>at the window</extracomment>
            <translation>窗口领取</translation>
        </message>
        <message>
            <source>lic_confirm</source>
            <extracomment>“{title}” has been printed {n} time(s). Print another copy?</extracomment>
            <translation>《{title}》已打印过 {n} 次。确定要再打印一份吗？</translation>
        </message>
        <message>
            <source>lic_yes</source>
            <extracomment>Yes, print</extracomment>
            <translation>确定打印</translation>
        </message>
        <message>
            <source>lic_printing</source>
            <extracomment>Printing “{title}”, please wait…</extracomment>
            <translation>正在打印《{title}》，请稍候…</translation>
        </message>
        <message>
            <source>lic_done</source>
            <extracomment>Printed. Please take your licence from the tray</extracomment>
            <translation>打印完成，请在出证口取走您的证照</translation>
        </message>
        <message>
            <source>lic_not_printable</source>
            <extracomment>This licence is issued at the window only</extracomment>
            <translation>该证照不能自助打印，请到窗口领取</translation>
        </message>
        <message>
            <source>lic_already</source>
            <extracomment>This licence has just been printed; it is not printed twice</extracomment>
            <translation>该证照刚刚已打印过，不能重复打印</translation>
        </message>
        <message>
            <source>lic_printer_down</source>
            <extracomment>The licence printer is unavailable. Tickets, check-in and progress still work; the window can print your licence</extracomment>
            <translation>证照打印机暂不可用。取号、预约签到、办件进度仍可使用；证照可到窗口打印</translation>
        </message>
        <message>
            <source>lic_print_failed</source>
            <extracomment>The print did not finish; staff have been told. Tickets, check-in and progress still work</extracomment>
            <translation>打印未完成，已通知工作人员。取号、预约签到、办件进度仍可使用</translation>
        </message>
        <message>
            <source>pay_button</source>
            <extracomment>Pay fees</extracomment>
            <translation>缴费</translation>
        </message>
        <message>
            <source>pay_title</source>
            <extracomment>Payment</extracomment>
            <translation>缴费</translation>
        </message>
        <message>
            <source>pay_loading</source>
            <extracomment>Looking it up, please wait…</extracomment>
            <translation>正在查询，请稍候…</translation>
        </message>
        <message>
            <source>pay_choose</source>
            <extracomment>Please choose what to pay</extracomment>
            <translation>请选择要缴纳的项目</translation>
        </message>
        <message>
            <source>pay_none</source>
            <extracomment>You have nothing to pay</extracomment>
            <translation>您没有待缴费用</translation>
        </message>
        <message>
            <source>pay_total</source>
            <extracomment>Total {amount}</extracomment>
            <translation>合计 {amount}</translation>
        </message>
        <message>
            <source>pay_go</source>
            <extracomment>Pay {amount}</extracomment>
            <translation>去支付 {amount}</translation>
        </message>
        <message>
            <source>pay_kind_fee</source>
            <extracomment>Fee</extracomment>
            <translation>规费</translation>
        </message>
        <message>
            <source>pay_kind_fine</source>
            <extracomment>Fine</extracomment>
            <translation>罚没款</translation>
        </message>
        <message>
            <source>pay_kind_charge</source>
            <extracomment>Charge</extracomment>
            <translation>代收费用</translation>
        </message>
        <message>
            <source>pay_paid_item</source>
            <extracomment>Paid</extracomment>
            <translation>已缴清</translation>
        </message>
        <message>
            <source>pay_paying_item</source>
            <extracomment>Payment open: continue</extracomment>
            <translation>支付中，可继续支付</translation>
        </message>
        <message>
            <source>pay_creating</source>
            <extracomment>Creating the payment order, please wait…</extracomment>
            <translation>正在生成支付订单，请稍候…</translation>
        </message>
        <message>
            <source>pay_scan</source>
            <extracomment>Scan the QR code with WeChat, Alipay or UnionPay on your phone to pay</extracomment>
            <translation>请用手机微信、支付宝或云闪付扫描二维码完成支付</translation>
        </message>
        <message>
            <source>pay_left</source>
            <extracomment>Please pay within {n} s</extracomment>
            <translation>请在 {n} 秒内完成支付</translation>
        </message>
        <message>
            <source>pay_checking</source>
            <extracomment>The network is slow; confirming your payment. Please do not pay again</extracomment>
            <translation>网络较慢，正在确认支付结果，请勿重复支付</translation>
        </message>
        <message>
            <source>pay_cancel</source>
            <extracomment>Cancel payment</extracomment>
            <translation>取消支付</translation>
        </message>
        <message>
            <source>pay_cancelled</source>
            <extracomment>Payment cancelled. Nothing was charged</extracomment>
            <translation>已取消支付，未扣款</translation>
        </message>
        <message>
            <source>pay_expired</source>
            <extracomment>Time is up: the order was cancelled. Nothing was charged</extracomment>
            <translation>支付超时，订单已取消，未扣款</translation>
        </message>
        <message>
            <source>pay_finishing</source>
            <extracomment>Paid. Issuing the e-invoice…</extracomment>
            <translation>支付成功，正在开具电子票据…</translation>
        </message>
        <message>
            <source>pay_done</source>
            <extracomment>Paid. Please take your receipt</extracomment>
            <translation>支付成功，请取走缴费凭证</translation>
        </message>
        <message>
            <source>pay_done_no_paper</source>
            <extracomment>Paid. The printer is unavailable: scan the e-invoice QR code below to keep it</extracomment>
            <translation>支付成功。打印机暂不可用，请用手机扫描下方电子票据二维码保存</translation>
        </message>
        <message>
            <source>pay_done_reprint</source>
            <extracomment>Paid. The receipt of this order was printed already</extracomment>
            <translation>支付成功。该订单的凭证已打印过</translation>
        </message>
        <message>
            <source>pay_already_paid</source>
            <extracomment>This has been paid already; nothing more to pay</extracomment>
            <translation>所选项目已缴清，无需重复缴费</translation>
        </message>
        <message>
            <source>pay_order_pending</source>
            <extracomment>One item is in another open payment: choose “continue”</extracomment>
            <translation>所选项目中有一项正在另一笔支付中，请选择“继续支付”</translation>
        </message>
        <message>
            <source>pay_amount_changed</source>
            <extracomment>The amount has changed; please check again</extracomment>
            <translation>应缴金额已变化，请重新确认</translation>
        </message>
        <message>
            <source>pay_backend_down</source>
            <extracomment>Payment cannot be reached now; nothing was charged. Tickets and progress still work</extracomment>
            <translation>缴费系统暂时无法连接，未扣款。取号、办件进度仍可使用</translation>
        </message>
        <message>
            <source>pay_broken</source>
            <extracomment>The payment system sent wrong data; nothing was charged. Please ask at the help desk</extracomment>
            <translation>缴费系统返回的信息有误，未扣款。请到服务台咨询</translation>
        </message>
        <message>
            <source>pay_chosen</source>
            <extracomment>✓ Chosen</extracomment>
            <translation>✓ 已选</translation>
        </message>
        <message>
            <source>pay_choose_item</source>
            <extracomment>Choose</extracomment>
            <translation>选择</translation>
        </message>
        <message>
            <source>pay_invoice</source>
            <extracomment>Scan to verify the e-invoice · No. {no}</extracomment>
            <translation>扫码查验电子票据 · 票据号 {no}</translation>
        </message>
        <message>
            <source>pay_again</source>
            <extracomment>Back to the list</extracomment>
            <translation>返回缴费列表</translation>
        </message>
        <message>
            <source>id_button_any</source>
            <extracomment>Identify with ID card or social security card</extracomment>
            <translation>刷身份证或社保卡办理</translation>
        </message>
        <message>
            <source>id_place_any_card</source>
            <extracomment>Place your ID card on the reader, or insert your social security card</extracomment>
            <translation>请将身份证放在读卡区，或插入社保卡</translation>
        </message>
        <message>
            <source>ss_card_read</source>
            <extracomment>Social security card read</extracomment>
            <translation>已读取社保卡</translation>
        </message>
        <message>
            <source>ss_card_error</source>
            <extracomment>The card could not be read. Take it out and insert it again</extracomment>
            <translation>社保卡无法读取，请取出后重新插入</translation>
        </message>
        <message>
            <source>ss_not_social</source>
            <extracomment>This is not a social security card. Insert one, or use your ID card</extracomment>
            <translation>这不是社保卡，请插入社会保障卡或使用身份证</translation>
        </message>
        <message>
            <source>ss_pin</source>
            <extracomment>Please enter the card's PIN</extracomment>
            <translation>请输入社保卡密码</translation>
        </message>
        <message>
            <source>ss_pin_wrong</source>
            <extracomment>Wrong PIN: {n} tries left</extracomment>
            <translation>密码错误，还可尝试 {n} 次</translation>
        </message>
        <message>
            <source>ss_pin_blocked</source>
            <extracomment>The card's PIN is blocked; a window can unblock it. You can still take a ticket</extracomment>
            <translation>社保卡密码已锁定，请到窗口办理解锁；取号不受影响</translation>
        </message>
        <message>
            <source>ss_reading</source>
            <extracomment>Reading the card, do not take it out…</extracomment>
            <translation>正在读取社保卡，请勿拔卡…</translation>
        </message>
        <message>
            <source>ss_pin_ok</source>
            <extracomment>OK</extracomment>
            <translation>确定</translation>
        </message>
        <message>
            <source>svc_full</source>
            <extracomment>All of today's tickets are taken</extracomment>
            <translation>今日号已取完</translation>
        </message>
        <message>
            <source>svc_not_open</source>
            <extracomment>Not taking tickets now
Hours: {hours}</extracomment>
            <translation>现在不取号
取号时间 {hours}</translation>
        </message>
        <message>
            <source>appt_booked</source>
            <extracomment>Booked</extracomment>
            <translation>待签到</translation>
        </message>
        <message>
            <source>appt_checked_in</source>
            <extracomment>Checked in</extracomment>
            <translation>已签到</translation>
        </message>
        <message>
            <source>appt_cancelled</source>
            <extracomment>Cancelled</extracomment>
            <translation>已取消</translation>
        </message>
        <message>
            <source>appt_expired</source>
            <extracomment>Expired</extracomment>
            <translation>已过期</translation>
        </message>
        <message>
            <source>guide_all</source>
            <extracomment>All</extracomment>
            <translation>全部</translation>
        </message>
        <message>
            <source>guide_original</source>
            <extracomment> (original)</extracomment>
            <translation>（原件）</translation>
        </message>
        <message>
            <source>say_sentence_sep</source>
            <extracomment>. </extracomment>
            <translation>。</translation>
        </message>
        <message>
            <source>say_clause_sep</source>
            <extracomment>, </extracomment>
            <translation>，</translation>
        </message>
        <message>
            <source>lic_title_quoted</source>
            <extracomment>{title}</extracomment>
            <translation>《{title}》</translation>
        </message>
        <message>
            <source>hours_weekdays</source>
            <extracomment>Mon Tue Wed Thu Fri Sat Sun</extracomment>
            <translation>一 二 三 四 五 六 日</translation>
        </message>
        <message>
            <source>hours_day_range</source>
            <extracomment>{first}-{last}</extracomment>
            <translation>周{first}至周{last}</translation>
        </message>
        <message>
            <source>hours_day_list</source>
            <extracomment>{days}</extracomment>
            <translation>周{days}</translation>
        </message>
        <message>
            <source>hours_day_sep</source>
            <extracomment>/</extracomment>
            <translation>、</translation>
        </message>
        <message>
            <source>hours_span_sep</source>
            <extracomment>, </extracomment>
            <translation>、</translation>
        </message>
        <message>
            <source>hours_group_sep</source>
            <extracomment>; </extracomment>
            <translation>；</translation>
        </message>
        <message>
            <source>rcpt_title</source>
            <extracomment>Payment receipt</extracomment>
            <translation>缴费凭证</translation>
        </message>
        <message>
            <source>rcpt_order</source>
            <extracomment>Order: {v}</extracomment>
            <translation>订单号：{v}</translation>
        </message>
        <message>
            <source>rcpt_payer</source>
            <extracomment>Payer: {v}</extracomment>
            <translation>缴费人：{v}</translation>
        </message>
        <message>
            <source>rcpt_total</source>
            <extracomment>Total: {v}</extracomment>
            <translation>合计：{v}</translation>
        </message>
        <message>
            <source>rcpt_channel</source>
            <extracomment>Paid with: {v}</extracomment>
            <translation>支付方式：{v}</translation>
        </message>
        <message>
            <source>rcpt_paid_at</source>
            <extracomment>Paid at: {v}</extracomment>
            <translation>支付时间：{v}</translation>
        </message>
        <message>
            <source>rcpt_invoice</source>
            <extracomment>E-invoice: {code} No. {no}</extracomment>
            <translation>电子票据：{code} 第{no}号</translation>
        </message>
        <message>
            <source>rcpt_check</source>
            <extracomment>Check code: {v}</extracomment>
            <translation>校验码：{v}</translation>
        </message>
        <message>
            <source>rcpt_scan</source>
            <extracomment>Scan to verify the e-invoice</extracomment>
            <translation>扫码查验电子票据</translation>
        </message>
        <message>
            <source>rcpt_pending</source>
            <extracomment>The e-invoice is being issued; ask at a window or online with the order number</extracomment>
            <translation>电子票据开具中，可凭订单号到窗口或网上查询</translation>
        </message>
        <message>
            <source>rcpt_note</source>
            <extracomment>Please keep this receipt</extracomment>
            <translation>请妥善保管本凭证</translation>
        </message>
        <message>
            <source>rcpt_channel_wechat</source>
            <extracomment>WeChat Pay</extracomment>
            <translation>微信支付</translation>
        </message>
        <message>
            <source>rcpt_channel_alipay</source>
            <extracomment>Alipay</extracomment>
            <translation>支付宝</translation>
        </message>
        <message>
            <source>rcpt_channel_unionpay</source>
            <extracomment>UnionPay</extracomment>
            <translation>云闪付</translation>
        </message>
        <message>
            <source>platform_zh_only</source>
            <extracomment>(Chinese only)</extracomment>
            <translation>（仅中文）</translation>
        </message>
        <message>
            <source>connecting</source>
            <extracomment>Connecting… please wait</extracomment>
            <translation>正在连接…请稍候</translation>
        </message>
        <message>
            <source>elderly_mode</source>
            <extracomment>Elderly mode</extracomment>
            <translation>长辈版</translation>
        </message>
        <message>
            <source>standard_mode</source>
            <extracomment>Standard mode</extracomment>
            <translation>标准版</translation>
        </message>
        <message>
            <source>elderly_offer</source>
            <extracomment>{age} or over? Larger text, read aloud</extracomment>
            <translation>年满 {age} 岁可用长辈版：字更大，会朗读</translation>
        </message>
        <message>
            <source>elderly_offer_yes</source>
            <extracomment>Use elderly mode</extracomment>
            <translation>使用长辈版</translation>
        </message>
        <message>
            <source>err_day_ended</source>
            <extracomment>That day's queue has closed and the number is no longer valid. Please take a new ticket</extracomment>
            <translation>这一天的取号已结束，您的号码已失效，请重新取号</translation>
        </message>
    </context>
</TS>
